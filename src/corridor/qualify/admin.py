"""Nothing here: policy versions, assessments and evaluations are managed on the app's own pages."""
