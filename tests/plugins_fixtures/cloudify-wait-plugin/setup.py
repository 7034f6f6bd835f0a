"""A tiny Cloudify plugin used to build real wagons in tests and for the sample index.

The version comes from PLUGIN_VERSION so one source builds every release."""
import os

from setuptools import setup

setup(
    name="cloudify-wait-plugin",
    version=os.environ.get("PLUGIN_VERSION", "0.1.0"),
    description="Waits: a workflow step that sleeps for a while",
    packages=["cloudify_wait"],
    license="Apache-2.0",
)
