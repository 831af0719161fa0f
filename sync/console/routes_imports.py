"""Console pages: imports."""

from fastapi import APIRouter

router = APIRouter()
