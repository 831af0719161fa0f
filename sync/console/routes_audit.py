"""Console pages: audit."""

from fastapi import APIRouter

router = APIRouter()
