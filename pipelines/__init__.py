"""Item pipelines: extract -> clean -> dedupe -> validate, one stage a module."""
