package io.vnet.manager.cloudstack.impl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An async job from queryAsyncJobResult.
 *
 * @param status    0 pending, 1 done, 2 failed
 * @param result    {@code jobresult} (the object made, or the error), may be a missing node
 * @param errorCode {@code jobresult.errorcode} when it failed, else 0
 * @param errorText {@code jobresult.errortext} when it failed, else null
 */
public record CsJob(String jobId, int status, JsonNode result, int errorCode, String errorText) {
    public static final int PENDING = 0;
    public static final int SUCCEEDED = 1;
    public static final int FAILED = 2;
}
