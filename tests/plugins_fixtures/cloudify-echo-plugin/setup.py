"""A tiny Cloudify plugin used to build real wagons in tests and for the sample index.

The version comes from PLUGIN_VERSION so one source builds every release."""
import os

from setuptools import setup

setup(
    name="cloudify-echo-plugin",
    version=os.environ.get("PLUGIN_VERSION", "1.0.0"),
    description="Logs its inputs: the smallest useful Cloudify plugin",
    packages=["cloudify_echo"],
    license="Apache-2.0",
)
