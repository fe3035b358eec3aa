"""Scale: extraction on a Dask cluster, and continuous intake (``harmwatch watch``).

``process_on_dask`` is ``pipeline.process`` with workers extracting and geocoding while this
process links and stores in the usual order; ``watch`` ingests new files or feed items as they
come and processes them, stopping cleanly on SIGTERM. Dask is imported only when a cluster is used.
"""

from __future__ import annotations

from .cluster import DaskExtractor, ExtractorSpec, dask_client, extract_batch, process_on_dask

__all__ = ["DaskExtractor", "ExtractorSpec", "dask_client", "extract_batch", "process_on_dask"]
