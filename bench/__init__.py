"""peelkg's benchmark suite: generated data, peelkg and its anchors side by side (see README.md)."""
