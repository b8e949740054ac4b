"""`brief deploy`: publish the built site to a git branch, an S3 bucket, a folder or rsync."""
