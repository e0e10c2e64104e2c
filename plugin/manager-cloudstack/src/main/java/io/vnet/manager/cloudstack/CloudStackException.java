package io.vnet.manager.cloudstack;

/**
 * A CloudStack API call that failed: either CloudStack answered with an error (its {@code
 * errorcode} and {@code errortext}, e.g. 431 for a bad parameter, 401 for a bad signature) or it
 * could not be reached at all ({@link #unreachable()}).
 */
public class CloudStackException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String command;
    private final int errorCode;
    private final String errorText;
    private final int httpStatus;
    private final boolean unreachable;

    /** CloudStack answered {@code command} with an error. */
    public CloudStackException(String command, int httpStatus, int errorCode, String errorText) {
        super(command + ": CloudStack error " + errorCode + (httpStatus > 0 ? " (HTTP " + httpStatus + ")" : "") + ": "
                + errorText);
        this.command = command;
        this.errorCode = errorCode;
        this.errorText = errorText;
        this.httpStatus = httpStatus;
        this.unreachable = false;
    }

    /** CloudStack could not be reached (connection refused, timeout, TLS failure, ...). */
    public CloudStackException(String command, String endpoint, Throwable cause) {
        super(command + ": CloudStack at " + endpoint + " is unreachable: " + describe(cause), cause);
        this.command = command;
        this.errorCode = 0;
        this.errorText = describe(cause);
        this.httpStatus = 0;
        this.unreachable = true;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** The API command, e.g. "listVirtualMachines". */
    public String command() {
        return command;
    }

    /** CloudStack's errorcode (0 when it was not reached). */
    public int errorCode() {
        return errorCode;
    }

    /** CloudStack's errortext, or what went wrong reaching it. */
    public String errorText() {
        return errorText;
    }

    /** The HTTP status of CloudStack's answer (0 when it was not reached). */
    public int httpStatus() {
        return httpStatus;
    }

    /** True when CloudStack was not reached: no answer, as opposed to an error answer. */
    public boolean unreachable() {
        return unreachable;
    }
}
