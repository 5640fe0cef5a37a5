from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from . import digits, selectors, services, tags, workflow
from .models import Status, Ticket, TicketTag


class TicketAdminForm(forms.ModelForm):
    tags = forms.CharField(required=False, help_text=f"Separated by commas or spaces; each 1 to {tags.MAX_LENGTH} "
                                                     f"characters of {tags.CHARACTERS}, at most {tags.MAX_TAGS}.")

    class Meta:
        model = Ticket
        fields = ["title", "description", "resolution_status", "priority", "assignee", "tags"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["tags"] = ", ".join(self.instance.tag_names)

    def clean_tags(self) -> list[str]:
        try:
            return tags.normalize_all(self.cleaned_data["tags"].replace(",", " ").split())
        except tags.InvalidTag as error:
            raise forms.ValidationError(str(error)) from None

    def clean_resolution_status(self) -> str:
        # services.update_ticket enforces the workflow; checking it here shows the refusal on the form.
        new = self.cleaned_data["resolution_status"]
        if self.instance.pk is not None:
            try:
                workflow.ensure_allowed(self.instance.resolution_status, new)
            except workflow.TransitionNotAllowed as error:
                raise forms.ValidationError(str(error)) from None
        return new


class TagFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"
    shown = 100  # the most distinct tags the sidebar lists

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        names = TicketTag.objects.order_by("name").values_list("name", flat=True).distinct()[: self.shown]
        return [(name, name) for name in names]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        if self.value() is None:
            return queryset
        return selectors.with_tag(queryset, self.value())


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """The tickets' admin; it reads through tickets.selectors and writes through tickets.services."""

    form = TicketAdminForm
    list_display = ["id", "title", "resolution_status", "priority", "assignee", "tag_list", "created", "updated"]
    list_display_links = ["id", "title"]
    list_select_related = ["assignee"]
    list_filter = ["resolution_status", "priority", "assignee", TagFilter, "created", "updated"]
    search_fields = ["title", "description"]
    readonly_fields = ["created", "updated"]
    date_hierarchy = "created"
    actions = ["mark_resolved", "mark_closed", "assign_to_me"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        return selectors.tickets().prefetch_related("tags")

    @admin.display(description="tags")
    def tag_list(self, ticket: Ticket) -> str:
        return ", ".join(ticket.tag_names)

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
            for ticket in locked(queryset):
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
            for ticket in locked(queryset):
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


    @admin.action(description="Assign to me")
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        with transaction.atomic():
            assigned = [ticket for ticket in locked(queryset)
                        if services.update_ticket(ticket, {"assignee": request.user})]
        self.message_user(request, f"Assigned {len(assigned)} {plural(len(assigned))} to {request.user.get_username()}.",
                          messages.SUCCESS)


def locked(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The selected tickets, each row locked until the action's transaction ends, in id order.
    Without the changelist's join of the assignee: PostgreSQL cannot lock the nullable side of an
    outer join."""
    return queryset.select_related(None).select_for_update().order_by("id")


def plural(count: int) -> str:
    return "ticket" if count == 1 else "tickets"
