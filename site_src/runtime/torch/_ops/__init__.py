"""The ops, grouped by kind; each op defines its forward and its backward side by side."""
