from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from . import workflow
from .models import Status, Ticket


class TicketAdminForm(forms.ModelForm):
    class Meta:
        model = Ticket
        fields = ["title", "description", "resolution_status"]

    def clean_resolution_status(self) -> str:
        new = self.cleaned_data["resolution_status"]
        if self.instance.pk is not None:
            try:
                workflow.ensure_allowed(self.instance.resolution_status, new)
            except workflow.TransitionNotAllowed as error:
                raise forms.ValidationError(str(error)) from None
        return new


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    form = TicketAdminForm
    list_display = ["id", "title", "resolution_status", "created", "updated"]
    list_display_links = ["id", "title"]
    list_filter = ["resolution_status", "created", "updated"]
    search_fields = ["title", "description"]
    readonly_fields = ["created", "updated"]
    date_hierarchy = "created"
    actions = ["mark_resolved", "mark_closed"]

    @admin.action(description="Mark selected tickets resolved")
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self.move_to(request, queryset, Status.RESOLVED)

    @admin.action(description="Mark selected tickets closed")
    def mark_closed(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self.move_to(request, queryset, Status.CLOSED)

    def move_to(self, request: HttpRequest, queryset: QuerySet[Ticket], target: str) -> None:
        moved, skipped = [], []
        for ticket in queryset.order_by("id"):
            if ticket.resolution_status == target:
                continue
            if not workflow.is_allowed(ticket.resolution_status, target):
                skipped.append(ticket)
                continue
            ticket.resolution_status = target
            ticket.save(update_fields=["resolution_status", "updated"])
            moved.append(ticket)
        self.message_user(request, f"Marked {len(moved)} {plural(len(moved))} {target}.", messages.SUCCESS)
        if skipped:
            reasons = ", ".join(f"#{t.pk} ({t.resolution_status} -> {target} is not allowed)" for t in skipped)
            self.message_user(request, f"Skipped {len(skipped)} {plural(len(skipped))}: {reasons}.", messages.WARNING)


def plural(count: int) -> str:
    return "ticket" if count == 1 else "tickets"
