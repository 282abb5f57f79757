"""Admin building blocks shared by every content app: the content admin base with its
edit guard, publication permissions and "needs attention" filter."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from portal.blocks.attention import ATTENTION, MISSING_ALT, MISSING_ENGLISH, NEEDS_ATTENTION
from portal.blocks.publishing import PublicationStatus
from portal.blocks.revisions import Revision, propose, under_review, version_of
from portal.blocks.roles import can_publish

# Staff paste bare addresses ("www.example.org"); today's sites are https.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}

PUBLICATION_FIELDSET = (
    _("Publication"),
    {"fields": ("status", "publish_at", "created_at", "updated_at")},
)
VERSION_FIELD = "loaded_version"


def stored_updated_at(instance, lock=False):
    """When ``instance``'s record was last saved, as the database holds it (None if the
    record is gone). With ``lock``, inside a transaction, the row stays locked until the transaction
    ends: the check and the save that follows are then one step, and a second save of the
    same record waits here until the first has committed, then sees its version.
    (SQLite has no row locks; there the admin's transaction, begun IMMEDIATE, holds the
    database's write lock, which serialises the same way.)"""
    # Unordered, so that the lock holds no row of a table the default order joins; as
    # strong as a save's own lock, so that rows pointing at this one may still be added.
    rows = type(instance)._base_manager.filter(pk=instance.pk).order_by()
    if lock and transaction.get_connection(rows.db).in_atomic_block:
        rows = rows.select_for_update(no_key=True)
    return rows.values_list("updated_at", flat=True).first()


class EditGuardForm(forms.ModelForm):
    """Refuses to save over a change someone else saved after this form was opened.

    The form carries the record's ``updated_at`` as it was when the page was loaded;
    if the record in the database is newer, the save is refused and the message says
    who changed which fields, so nothing is silently overwritten. The check reads the
    record with its row locked, in the admin's transaction, so two saves of one record
    at the same moment cannot both pass it. The admin's main forms and its inlines
    (``EditGuardInline``) use it alike.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields[VERSION_FIELD].initial = version_of(self.instance)
        record = getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
        if record is not None and not self.is_bound:
            self._initial_links_from(record)

    def _initial_links_from(self, record):
        """On simple-history's revert form, show the links of that version.

        The form is built on ``record.instance``, which carries the version's own
        fields; a many-to-many field would show the record's *current* links (read
        from the database), so saving the revert would keep them, and restoring a
        deleted record would drop them. The version's links are in its history.
        """
        for field in getattr(record, "_history_m2m_fields", ()):
            if field.name not in self.fields:
                continue
            target = field.m2m_reverse_field_name()
            links = getattr(record, field.name).values_list(f"{target}_id", flat=True)
            self.initial[field.name] = list(links)

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get(VERSION_FIELD)
        if loaded and self.instance.pk:
            current = stored_updated_at(self.instance, lock=True)
            if loaded != (current.isoformat() if current else ""):
                raise ValidationError(self._conflict_message(loaded, current), code="edit_conflict")
        return cleaned

    def _conflict_message(self, loaded, current):
        if current is None:
            return _(
                "Someone deleted this record after you opened it. Your changes were not saved."
            )
        history = getattr(type(self.instance), "history", None)
        changes, who = [], set()
        if history is not None:
            records = list(history.filter(id=self.instance.pk).order_by("-history_date")[:20])
            newer = [r for r in records if r.history_date.isoformat() > loaded]
            for record in newer:
                who.add(str(record.history_user or _("someone")))
                if record.prev_record:
                    for change in record.diff_against(record.prev_record).changes:
                        field = type(self.instance)._meta.get_field(change.field)
                        changes.append(str(field.verbose_name))
        when = date_format(localtime(current), "DATETIME_FORMAT")
        return _(
            "%(who)s saved this record at %(when)s, after you opened it (changed: "
            "%(fields)s). Your changes were not saved. Open the record again to see the "
            "current version, then make your changes there."
        ) % {
            "who": ", ".join(sorted(who)) or _("Someone"),
            "when": when,
            "fields": ", ".join(dict.fromkeys(changes)) or _("unknown fields"),
        }


class CheckedAutocompleteMixin:
    """The admin's autocomplete widgets look the posted keys up, as they come, to show them
    again with a form's errors: a key that is no number (or too large for the column)
    raised ValueError or OverflowError, a server error, instead of the form's own "Select
    a valid choice". Keys the target field refuses are not looked up; the form field's
    own validation reports them."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        return super().optgroups(name, [key for key in value if _is_key_of(target, key)], attr)


def _is_key_of(field, key):
    try:
        field.run_validators(field.to_python(key))
    except (ValidationError, TypeError, ValueError, OverflowError):
        return False
    return True


class CheckedAutocompleteSelect(CheckedAutocompleteMixin, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(CheckedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class CheckedAutocomplete:
    """For admins and inlines with ``autocomplete_fields``: the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class EditGuardInline(CheckedAutocomplete):
    """For inlines of content with an edit guard: each row carries the version it was
    opened at and is checked as the main form is, so a page opened earlier cannot
    silently put back an older text of a row someone has changed since."""

    form = EditGuardForm

    def get_fieldsets(self, request, obj=None):
        return with_version_field(super().get_fieldsets(request, obj))


def with_version_field(fieldsets):
    """``fieldsets`` with the hidden version field, which a form sends back only if it
    is shown (as a hidden input)."""
    fieldsets = list(fieldsets)
    named = {
        name
        for _title, options in fieldsets
        for entry in options.get("fields", ())
        for name in (entry if isinstance(entry, (list, tuple)) else (entry,))
    }
    if VERSION_FIELD not in named:
        fieldsets.append((None, {"fields": (VERSION_FIELD,), "classes": ("hidden",)}))
    return fieldsets


class AttentionFilter(admin.SimpleListFilter):
    """Records missing an English translation or an image description: the lists the
    dashboard's counts link to (the checks are in ``portal.blocks.attention``)."""

    title = _("needs attention")
    parameter_name = ATTENTION

    def lookups(self, request, model_admin):
        labels = {
            MISSING_ENGLISH: _("Missing an English translation"),
            MISSING_ALT: _("Image without a description (alt text)"),
        }
        return [
            (kind, label)
            for kind, label in labels.items()
            if NEEDS_ATTENTION[kind](model_admin.model) is not None
        ]

    def queryset(self, request, queryset):
        check = NEEDS_ATTENTION.get(self.value())
        condition = check(queryset.model) if check else None
        return queryset if condition is None else queryset.filter(condition)


class PublicationGuard:
    """For admins and inlines of publishable content: only Publishers may set the status
    or the publication time (an Editor's new records stay drafts), or any other field an
    admin adds to ``publisher_fields``. For others these fields are read-only, so they
    are not in the form and a value posted for them is ignored."""

    publisher_fields = ("status", "publish_at")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            readonly += [f for f in self.publisher_fields if f not in readonly]
        return readonly


class RevertGuard:
    """For admins with simple-history's views: only Publishers may revert a record to
    an earlier version or restore a deleted one."""

    def revert_disabled(self, request, obj=None):
        return not can_publish(request.user) or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        if not can_publish(request.user):
            raise PermissionDenied
        # One transaction, as the admin's own change form: the edit guard's check and
        # the revert are one step, and a failed revert writes nothing.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)


PROPOSAL = "_proposed_revision"


def _refuse(request, obj=None):
    return False


class ReviewGuard:
    """For admins of publishable content: a change to a published record by someone who
    may not publish is kept as a proposal (``portal.blocks.revisions``) until a
    Publisher approves it; the record, and so the public site, stays as it was.

    What a proposal cannot carry is read-only for them on a published record: its
    images (the image pipeline writes files at save time) and its inline rows, which
    they change on each row's own page, where the same review applies.
    """

    def proposes(self, request, obj):
        """Whether ``request.user``'s change to ``obj`` waits for a Publisher."""
        return not can_publish(request.user) and under_review(obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self.proposes(request, obj):
            files = [f.name for f in self.model._meta.fields if isinstance(f, models.FileField)]
            readonly += [name for name in files if name not in readonly]
        return readonly

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if self.proposes(request, obj):
            for inline in inlines:
                # Shown, not editable: rows posted anyway are ignored by the admin.
                inline.has_add_permission = inline.has_change_permission = _refuse
                inline.has_delete_permission = _refuse
        return inlines

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                self._announce_proposals(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def _announce_proposals(self, request, obj):
        pending = Revision.objects.of(obj).pending().select_related("author")
        if can_publish(request.user):
            waiting = list(pending[:1])
            if waiting:
                count = pending.count()
                url = reverse("admin:portal_revision_change", args=[waiting[0].pk])
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        ngettext(
                            "%(count)d proposed change to this record waits for a "
                            "Publisher's review.",
                            "%(count)d proposed changes to this record wait for a "
                            "Publisher's review.",
                            count,
                        )
                        % {"count": count},
                        url,
                        _("Review it"),
                    ),
                    messages.WARNING,
                )
            return
        if not self.proposes(request, obj):
            return
        mine = pending.filter(author=request.user).first()
        if mine is not None:
            self.message_user(
                request,
                _(
                    "A change you proposed on %(when)s is waiting for approval. The form "
                    "shows the published version; saving it again replaces your proposal."
                )
                % {"when": date_format(localtime(mine.created_at), "DATETIME_FORMAT")},
                messages.WARNING,
            )
        self.message_user(
            request,
            _(
                "This record is published: your changes will wait for a Publisher's "
                "approval before they appear on the site. Its images, and the rows listed "
                "below it, are changed on their own pages or by a Publisher."
            ),
            messages.INFO,
        )

    def save_model(self, request, obj, form, change):
        if change and self.proposes(request, obj):
            base = form.cleaned_data.get(VERSION_FIELD) or version_of(obj)
            setattr(request, PROPOSAL, propose(form, request.user, base))
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if hasattr(request, PROPOSAL):
            return  # the links are in the proposal; inlines are read-only
        super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if hasattr(request, PROPOSAL):
            return ""  # the inlines were not saved; log_change says what happened
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if not hasattr(request, PROPOSAL):
            return super().log_change(request, obj, message)
        if getattr(request, PROPOSAL) is None:
            return None
        # Logged in the record's own words; the stored message stays in the language
        # of the moment, as the admin's own messages do.
        return super().log_change(
            request, obj, str(_("Proposed a change, waiting for a Publisher's approval."))
        )

    def response_change(self, request, obj):
        if not hasattr(request, PROPOSAL):
            return super().response_change(request, obj)
        if getattr(request, PROPOSAL) is None:
            self.message_user(request, _("Nothing was changed."), messages.INFO)
        else:
            self.message_user(
                request, _("Your change is waiting for a Publisher's approval."), messages.SUCCESS
            )
        if "_continue" in request.POST:
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )


class ContentAdmin(
    CheckedAutocomplete,
    PublicationGuard,
    RevertGuard,
    ReviewGuard,
    SimpleHistoryAdmin,
    TranslationAdmin,
):
    """Base admin for publishable, translated content with edit history.

    Editors may create and change; only Publishers (``portal.publish_content``) may
    publish, schedule, withdraw or revert, and an Editor's change to a published record
    waits for a Publisher's approval (``ReviewGuard``). Every change, including the actions below,
    goes through ``save()`` so that the history records it (``.update()`` would not).
    """

    form = EditGuardForm
    formfield_overrides = HTTPS_URLS
    readonly_fields = ("created_at", "updated_at")
    actions = ["publish_selected", "unpublish_selected"]
    list_per_page = 50
    save_on_top = True
    attention_filter = AttentionFilter

    def get_list_filter(self, request):
        # Added here rather than in each admin's list_filter, so every content model
        # has it and the dashboard can link to it.
        return [*super().get_list_filter(request), self.attention_filter]

    def get_fieldsets(self, request, obj=None):
        return with_version_field(super().get_fieldsets(request, obj))

    def has_publish_permission(self, request):
        return can_publish(request.user)

    @admin.action(description=_("Publish the selected records"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._set_status(request, queryset, PublicationStatus.PUBLISHED)

    @admin.action(
        description=_("Withdraw the selected records (back to draft)"), permissions=["publish"]
    )
    def unpublish_selected(self, request, queryset):
        self._set_status(request, queryset, PublicationStatus.DRAFT)

    def _set_status(self, request, queryset, status):
        publish = status == PublicationStatus.PUBLISHED
        now = timezone.now()
        changed = was_scheduled = unchanged = 0
        for obj in queryset:
            if obj.is_live if publish else obj.status == status:
                unchanged += 1
                continue
            if publish:
                # "Publish" means now. A record scheduled for later would otherwise
                # stay hidden while the message said it was published; scheduling is
                # done in the form, by setting "publish from".
                was_scheduled += obj.publish_at is not None and obj.publish_at > now
                obj.publish_at = now
            obj.status = status
            obj._change_reason = f"status → {status}"
            obj._history_user = request.user
            obj.save()
            changed += 1
        if changed:
            message = (
                ngettext(
                    "%(count)d record published: it is on the site now.",
                    "%(count)d records published: they are on the site now.",
                    changed,
                )
                if publish
                else ngettext(
                    "%(count)d record withdrawn: it is a draft again and no longer on the site.",
                    "%(count)d records withdrawn: they are drafts again and no longer on the site.",
                    changed,
                )
            )
            self.message_user(request, message % {"count": changed}, messages.SUCCESS)
        if was_scheduled:
            self.message_user(
                request,
                ngettext(
                    "%(count)d of them had been scheduled for a later time; it was published "
                    "now instead.",
                    "%(count)d of them had been scheduled for a later time; they were published "
                    "now instead.",
                    was_scheduled,
                )
                % {"count": was_scheduled},
                messages.WARNING,
            )
        if unchanged:
            message = (
                ngettext(
                    "%(count)d record was already on the site and was left as it was.",
                    "%(count)d records were already on the site and were left as they were.",
                    unchanged,
                )
                if publish
                else ngettext(
                    "%(count)d record was already a draft.",
                    "%(count)d records were already drafts.",
                    unchanged,
                )
            )
            self.message_user(request, message % {"count": unchanged}, messages.INFO)

    @admin.display(description=_("status"), ordering="status")
    def publication_state(self, obj):
        if obj.is_scheduled:
            return _("Scheduled")
        return obj.get_status_display()
