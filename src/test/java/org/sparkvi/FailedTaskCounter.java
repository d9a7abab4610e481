package org.sparkvi;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts task attempts that failed with an injected failure, so a retry test can show the failures happened; and
 * stage attempts that failed, for barrier stages, where a peer that notices the failure first can fail the stage
 * before the injected task reports (Spark then reports that task as killed, not failed).
 */
public final class FailedTaskCounter extends SparkListener {
    private final AtomicInteger injected = new AtomicInteger();
    private final AtomicInteger failedStages = new AtomicInteger();

    @Override
    public void onStageCompleted(SparkListenerStageCompleted completed) {
        if (completed.stageInfo().failureReason().isDefined()) {
            failedStages.incrementAndGet();
        }
    }

    public int failedStageAttempts() {
        return failedStages.get();
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo().failed() && end.reason().toString().contains("injected failure")) {
            injected.incrementAndGet();
        }
    }

    public int injectedFailures() {
        return injected.get();
    }
}
