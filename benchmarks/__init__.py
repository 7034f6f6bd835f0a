"""The benchmark against Hugo and MkDocs: corpus generator, projects, measurements, report (run.py)."""
