from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from . import digits, selectors, services, workflow
from .models import Status, Ticket


class TicketAdminForm(forms.ModelForm):
    class Meta:
        model = Ticket
        fields = ["title", "description", "resolution_status"]

    def clean_resolution_status(self) -> str:
        # services.update_ticket enforces the workflow; checking it here shows the refusal on the form.
        new = self.cleaned_data["resolution_status"]
        if self.instance.pk is not None:
            try:
                workflow.ensure_allowed(self.instance.resolution_status, new)
            except workflow.TransitionNotAllowed as error:
                raise forms.ValidationError(str(error)) from None
        return new


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """The tickets' admin; it reads through tickets.selectors and writes through tickets.services."""

    form = TicketAdminForm
    list_display = ["id", "title", "resolution_status", "created", "updated"]
    list_display_links = ["id", "title"]
    list_filter = ["resolution_status", "created", "updated"]
    search_fields = ["title", "description"]
    readonly_fields = ["created", "updated"]
    date_hierarchy = "created"
    actions = ["mark_resolved", "mark_closed"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        return selectors.tickets()

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Ticket | None:
        # Tickets are only ever addressed by id. A POST (save, delete) locks the row for the
        # admin's transaction, so the form's workflow check sees the status the write replaces.
        ticket_id = digits.whole_number(object_id)
        if ticket_id is None:
            return None
        return selectors.ticket_for_update(ticket_id) if request.method == "POST" else selectors.ticket(ticket_id)

    def save_model(self, request: HttpRequest, obj: Ticket, form: TicketAdminForm, change: bool) -> None:
        if change:
            # The form has already put its values on `obj`: the service compares with the stored ticket.
            services.update_ticket(selectors.ticket(obj.pk), form.cleaned_data)
        else:
            # The admin logs and redirects to `obj` by its id.
            obj.pk = services.create_ticket(**form.cleaned_data).pk

    def delete_model(self, request: HttpRequest, obj: Ticket) -> None:
        services.delete_ticket(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        with transaction.atomic():
            for ticket in queryset.select_for_update().order_by("id"):
                services.delete_ticket(ticket)

    @admin.action(description="Mark selected tickets resolved")
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self.move_to(request, queryset, Status.RESOLVED)

    @admin.action(description="Mark selected tickets closed")
    def mark_closed(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self.move_to(request, queryset, Status.CLOSED)

    def move_to(self, request: HttpRequest, queryset: QuerySet[Ticket], target: str) -> None:
        moved, skipped = [], []
        # Locked, so no API write can change a status between its check and this action's write.
        with transaction.atomic():
            for ticket in queryset.select_for_update().order_by("id"):
                try:
                    changes = services.update_ticket(ticket, {"resolution_status": target})
                except workflow.TransitionNotAllowed:
                    skipped.append(f"#{ticket.pk} ({ticket.resolution_status} -> {target} is not allowed)")
                    continue
                if changes:
                    moved.append(ticket)
        self.message_user(request, f"Marked {len(moved)} {plural(len(moved))} {target}.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"Skipped {len(skipped)} {plural(len(skipped))}: {', '.join(skipped)}.",
                              messages.WARNING)


def plural(count: int) -> str:
    return "ticket" if count == 1 else "tickets"
