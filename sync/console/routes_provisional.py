"""Console pages: provisional."""

from fastapi import APIRouter

router = APIRouter()
