package org.sparkvi.cli;

/** Prints the JVM flags Spark needs on Java 17, from Spark's own launcher (used by jobs/sparkvi). */
public final class JavaModuleFlags {
    private JavaModuleFlags() {
    }

    public static void main(String[] args) {
        System.out.println(org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions());
    }
}
