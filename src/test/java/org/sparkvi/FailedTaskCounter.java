package org.sparkvi;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/** Counts task attempts that failed with an injected failure, so a retry test can show the failures happened. */
public final class FailedTaskCounter extends SparkListener {
    private final AtomicInteger injected = new AtomicInteger();

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
