"""Kyodo (協働): civic-activity support and public–NPO collaboration for Japanese cities."""
