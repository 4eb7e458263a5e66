"""Value-exchange tools: ROI calculator, AI maturity assessment, exit-intent offers,
smart form fill, inferred profile data."""
