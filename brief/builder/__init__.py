"""Running a build: plan, render, write atomically."""
