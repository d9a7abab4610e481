"""Daily earthquake clustering with sparkvi (Airflow 2.x, apache-airflow-providers-apache-spark).

Each day: fit K super-epicentres on that day's partition of a date-partitioned Parquet catalogue
(CATALOGUE_ROOT/date=YYYY-MM-DD/), write the outputs to OUTPUT_ROOT/clusters/date=YYYY-MM-DD/ (replaced
atomically, so a rerun is idempotent), then add the day's clusters to the history table OUTPUT_ROOT/history
(partitioned by date; a rerun replaces that date's rows).

Settings come from the environment of the Airflow workers (or edit the defaults below):
SPARKVI_JAR, SPARKVI_CATALOGUE_ROOT, SPARKVI_OUTPUT_ROOT, SPARKVI_K, SPARKVI_SPARK_CONN.
"""
import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAR = os.environ.get("SPARKVI_JAR", "/opt/sparkvi/sparkvi-0.1.0.jar")
CATALOGUE_ROOT = os.environ.get("SPARKVI_CATALOGUE_ROOT", "hdfs:///data/earthquakes/catalogue")
OUTPUT_ROOT = os.environ.get("SPARKVI_OUTPUT_ROOT", "hdfs:///data/earthquakes")
K = os.environ.get("SPARKVI_K", "8")
SPARK_CONN = os.environ.get("SPARKVI_SPARK_CONN", "spark_default")

default_args = {
    "owner": "seismology",
    "retries": 3,
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
}

with DAG(
    dag_id="earthquake_clusters",
    description="K super-epicentres of each day's earthquakes by CAVI (sparkvi)",
    schedule="@daily",
    start_date=datetime(2018, 1, 31),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["sparkvi", "seismology"],
) as dag:
    fit = SparkSubmitOperator(
        task_id="cavi_fit",
        conn_id=SPARK_CONN,
        application=JAR,
        java_class="org.sparkvi.cli.Main",
        name="sparkvi-cavi-{{ ds }}",
        application_args=[
            "cavi",
            "--input", CATALOGUE_ROOT + "/date={{ ds }}",
            "--output", OUTPUT_ROOT + "/clusters/date={{ ds }}",
            "--k", K,
            "--seed", "42",
        ],
    )
    history = SparkSubmitOperator(
        task_id="cavi_history",
        conn_id=SPARK_CONN,
        application=JAR,
        java_class="org.sparkvi.cli.Main",
        name="sparkvi-cavi-history-{{ ds }}",
        application_args=[
            "cavi-history",
            "--clusters", OUTPUT_ROOT + "/clusters/date={{ ds }}",
            "--history", OUTPUT_ROOT + "/history",
            "--date", "{{ ds }}",
        ],
    )
    fit >> history
