"""Spiders: how to find pages. Reading them is the pipelines' job."""
