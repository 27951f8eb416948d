"""Corpus mode on Apache Spark: `newsweave spark` reads, cleans, de-duplicates and groups a corpus in parallel.

`stages` holds what each Spark task runs on one record, one band of signatures or one time bucket: the
project's own readers, cleaning, fingerprints, MinHash signatures and grouper, so the Spark job and the
single-machine commands share one code path. `job` wires them into a Spark job and writes Parquet tables;
`tables` reads those tables back into the SQLite store (`newsweave import-parquet`). Only `job` imports
pyspark, so nothing else in newsweave needs Java or pyspark.
"""
