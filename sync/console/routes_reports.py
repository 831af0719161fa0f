"""Console pages: reports."""

from fastapi import APIRouter

router = APIRouter()
