"""scrolly: Markdown chapters and Altair charts in, a scrollytelling site out."""

__version__ = "0.1.0"
