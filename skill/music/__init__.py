"""Doing the right thing: resolution, the orchestrator, providers, replies."""
