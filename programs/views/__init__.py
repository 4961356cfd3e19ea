"""Programme pages, split by what they do (pretix-style views package)."""

from __future__ import annotations

from programs.views.items import milestone_edit, task_done, task_edit, update_create
from programs.views.pages import detail, list_view, module_tasks
from programs.views.setup import create, edit

__all__ = [
    "create",
    "detail",
    "edit",
    "list_view",
    "milestone_edit",
    "module_tasks",
    "task_done",
    "task_edit",
    "update_create",
]
