"""The core's value types, shared by services and front ends."""
