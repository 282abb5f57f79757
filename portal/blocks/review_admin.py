"""The Publisher's side of four eyes on live content: the list of proposed changes and
the review page, which shows a proposal field by field and approves or rejects it
(``portal.blocks.revisions``)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.blocks.content import content_models
from portal.blocks.revisions import (
    ReviewRefused,
    RevisionState,
    approve,
    differences,
    reject,
)
from portal.blocks.roles import can_publish


class ModelFilter(admin.SimpleListFilter):
    """The kind of record, among the content models (not every content type)."""

    title = _("kind of record")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        return [
            (f"{m._meta.app_label}.{m._meta.model_name}", capfirst(m._meta.verbose_name_plural))
            for m in content_models()
        ]

    def queryset(self, request, queryset):
        app_label, _dot, model_name = (self.value() or "").partition(".")
        if not model_name:
            return queryset
        return queryset.filter(content_type__app_label=app_label, content_type__model=model_name)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Why the change is rejected (required to reject); shown in its record."),
    )


class RevisionAdmin(admin.ModelAdmin):
    """Staff see proposed changes (an Editor, what became of theirs and why); Publishers
    decide them; nobody adds, edits or deletes one."""

    list_display = ("record_link", "kind", "author", "created_at", "state", "reviewer")
    list_filter = ("state", ModelFilter)
    list_select_related = ("content_type", "author", "reviewer")
    date_hierarchy = "created_at"
    list_per_page = 50
    review_template = "admin/portal/revision/review.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("record")

    def has_view_permission(self, request, obj=None):
        """Publishers, and whoever may change the kind of record (of any kind, for the
        list): what is proposed to it is theirs to read."""
        user = request.user
        if can_publish(user):
            return True
        models = [obj.model] if obj is not None and obj.model else content_models()
        return any(
            user.has_perm(f"{m._meta.app_label}.change_{m._meta.model_name}") for m in models
        )

    def has_change_permission(self, request, obj=None):
        return can_publish(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("record"))
    def record_link(self, obj):
        label = str(obj.record) if obj.record is not None else f"#{obj.object_id}"
        url = reverse("admin:portal_revision_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("kind of record"), ordering="content_type")
    def kind(self, obj):
        model = obj.model
        return capfirst(model._meta.verbose_name) if model else obj.content_type.model

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, unquote(object_id))
        if revision is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, revision):
            raise PermissionDenied
        form = ReviewForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if not self.has_change_permission(request, revision):
                raise PermissionDenied
            decided = self._decide(request, revision, form)
            if decided is not None:
                return decided
        record = revision.current_record()
        pending = revision.state == RevisionState.PENDING
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Review a proposed change"),
            "subtitle": str(record) if record is not None else None,
            "revision": revision,
            "record": record,
            "record_url": self._record_url(revision),
            "rows": differences(revision, record),
            "conflict": revision.conflict(record) if pending else None,
            "pending": pending,
            "can_decide": self.has_change_permission(request, revision),
            "form": form,
            "has_view_permission": True,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.review_template, context)

    def _record_url(self, revision):
        model = revision.model
        if model is None:
            return None
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}_change"
        return reverse(name, args=[revision.object_id])

    def _decide(self, request, revision, form):
        """Approve or reject as posted; a response, or None to show the page again (with
        the form's errors)."""
        if not form.is_valid():
            return None
        author = revision.author or gettext("someone")
        here = HttpResponseRedirect(request.path)
        if "_approve" in request.POST:
            try:
                record = approve(revision, request.user)
            except ReviewRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
                return here
            self.log_change(
                request,
                record,
                gettext("Approved the change proposed by %(author)s.") % {"author": author},
            )
            self.message_user(
                request,
                gettext("Approved: the change is saved to “%(record)s”.") % {"record": record},
                messages.SUCCESS,
            )
        elif "_reject" in request.POST:
            note = form.cleaned_data["note"].strip()
            if not note:
                form.add_error("note", gettext("Say why the change is rejected."))
                return None
            try:
                reject(revision, request.user, note)
            except ReviewRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
                return here
            record = revision.current_record()
            if record is not None:
                self.log_change(
                    request,
                    record,
                    gettext("Rejected the change proposed by %(author)s: %(note)s")
                    % {"author": author, "note": note},
                )
            self.message_user(
                request,
                gettext("Rejected: the record stays as it was."),
                messages.SUCCESS,
            )
        else:
            return here
        return HttpResponseRedirect(
            reverse("admin:portal_revision_changelist") + f"?state={RevisionState.PENDING}"
        )
