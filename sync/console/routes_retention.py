"""Console pages: retention."""

from fastapi import APIRouter

router = APIRouter()
