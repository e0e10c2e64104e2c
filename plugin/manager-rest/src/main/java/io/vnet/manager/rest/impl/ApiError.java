package io.vnet.manager.rest.impl;

/** A request the API refuses, with its HTTP status and a message naming the bad field. */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiError(int status, String message) {
        super(message);
        this.status = status;
    }
}
