"""The portal's cross-app pages: the dashboard, the municipality and cluster pages.

Each shows data of several apps, so it lives above them all (the layer contract in
pyproject.toml) and reads them through their selectors.
"""
