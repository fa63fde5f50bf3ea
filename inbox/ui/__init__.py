"""The Qt user interface. Only this package (and inbox.app) imports Qt."""
