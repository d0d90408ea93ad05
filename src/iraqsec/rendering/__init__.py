"""Rendering: terminal tables and charts, plain writers, HTML and SVG."""
