"""The loop that runs the pipeline: schedule -> discover -> fetch -> extract -> store.

This is the one place that knows the order of the stages; each stage knows nothing of the others.
"""
