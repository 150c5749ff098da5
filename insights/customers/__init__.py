"""Customers: RFM segments, lifecycle, clusters, the segment builder, exports, the profile."""
