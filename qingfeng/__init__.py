"""Qingfeng (清风): political-ecology analysis and assessment platform."""
