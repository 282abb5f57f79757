"""The monitoring reports in the admin: the guideline sections the office keeps, the
reports with their drafted facts and the office's text, and their exports."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from cities.models import City
from portal import reports
from portal.blocks.admin import (
    CheckedAutocomplete,
    EditGuardForm,
    EditGuardInline,
    RevertGuard,
    with_version_field,
)
from portal.blocks.admin_aids import StaffAids
from portal.models import GuidelineSection, MonitoringReport, ReportSection, ReportStatus

EXPORT_LANGUAGES = (("ko", "한국어"), ("en", "English"))
WORD_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@admin.register(GuidelineSection)
class GuidelineSectionAdmin(StaffAids, SimpleHistoryAdmin, TranslationAdmin):
    """The sections a new report starts with, as UNESCO's guidelines ask them."""

    list_display = ("title", "source", "position")
    list_editable = ("position",)
    fields = ("title", "guidance", "source", "position")


def facts_list(facts):
    """The drafted facts as a list, each linking to the record it came from (the admin
    page, to check it) and to its public page when it has one."""
    if not facts:
        return _("Nothing drafted for this section: the office's text only.")
    rows = []
    for fact in facts:
        admin_url, public_url = reports.fact_links(fact)
        links = []
        if admin_url:
            links.append(format_html('<a href="{}">{}</a>', admin_url, _("check")))
        if public_url:
            links.append(format_html('<a href="{}">{}</a>', public_url, _("public page")))
        rows.append(
            (
                fact.get("ko", ""),
                fact.get("en", ""),
                format_html_join(" · ", "{}", ((link,) for link in links)),
            )
        )
    return format_html(
        '<ul class="report-facts">{}</ul>',
        format_html_join(
            "", '<li><span lang="ko">{}</span><br><span lang="en">{}</span> {}</li>', rows
        ),
    )


class SectionFields:
    """What a section's form shows beside its text: the guidance and the drafted facts."""

    readonly_fields = ("guidance_shown", "drafted_facts")

    @admin.display(description=_("guidance"))
    def guidance_shown(self, obj):
        return obj.guidance if obj else ""

    @admin.display(description=_("drafted facts"))
    def drafted_facts(self, obj):
        return facts_list(obj.facts if obj else [])


class ReportSectionInline(SectionFields, EditGuardInline, TranslationStackedInline):
    model = ReportSection
    extra = 0
    fields = ("title", "position", "source", "guidance_shown", "drafted_facts", "text")


@admin.register(ReportSection)
class ReportSectionAdmin(
    SectionFields, CheckedAutocomplete, StaffAids, RevertGuard, SimpleHistoryAdmin, TranslationAdmin
):
    """Sections are written on their report's page; this list finds them across reports
    and keeps each one's history."""

    form = EditGuardForm
    list_display = ("title", "report", "source", "updated_at")
    list_filter = ("source",)
    list_select_related = ("report",)
    search_fields = ("title_ko", "title_en", "text_ko", "text_en")
    fields = ("report", "title", "position", "source", "guidance_shown", "drafted_facts", "text")
    autocomplete_fields = ("report",)

    def get_fieldsets(self, request, obj=None):
        return with_version_field(super().get_fieldsets(request, obj))


@admin.register(MonitoringReport)
class MonitoringReportAdmin(
    CheckedAutocomplete, StaffAids, RevertGuard, SimpleHistoryAdmin, TranslationAdmin
):
    """A report is added with its city and period; the portal then copies the guideline
    sections and drafts their facts. "Draft the facts again" refreshes the facts after
    records were added or corrected, and keeps the office's text."""

    form = EditGuardForm
    list_display = ("__str__", "city", "period_start", "period_end", "report_status", "drafted_at")
    list_filter = ("report_status",)
    search_fields = ("city__name_ko", "city__name_en", "title_ko", "title_en", "due_year")
    autocomplete_fields = ("city",)
    readonly_fields = ("drafted_at", "exports")
    actions = ("draft_again", "make_documents")
    save_on_top = True

    fieldsets = (
        (None, {"fields": ("city", "due_year", ("period_start", "period_end"), "title")}),
        (_("State and exports"), {"fields": ("report_status", "drafted_at", "exports")}),
    )

    def get_fieldsets(self, request, obj=None):
        return with_version_field(super().get_fieldsets(request, obj))

    def get_inlines(self, request, obj):
        # A new report gets its sections from the guidelines when it is saved.
        return (ReportSectionInline,) if obj is not None else ()

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        home = City.objects.home().first()
        due = reports.next_due(home)
        if due and "city" not in initial:
            start, end = reports.period_for(home, due["year"])
            initial.update(city=home.pk, due_year=due["year"], period_start=start, period_end=end)
        return initial

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            reports.start_report(obj)

    @admin.display(description=_("download or print"))
    def exports(self, obj):
        if obj is None or obj.pk is None:
            return ""
        links = []
        for lang, name in EXPORT_LANGUAGES:
            for kind, label in (("print", _("Printable page")), ("word", _("Word document"))):
                url = reverse(f"admin:portal_monitoringreport_{kind}", args=[obj.pk, lang])
                links.append((url, lang, f"{label} ({name})"))
        return format_html_join(" · ", '<a href="{}" hreflang="{}">{}</a>', links)

    @admin.action(description=_("Draft the facts again from the records"))
    def draft_again(self, request, queryset):
        for report in queryset:
            reports.draft(report)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "The facts of %(count)s report were drafted again; its text is as it was.",
                "The facts of %(count)s reports were drafted again; their text is as it was.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Make documents of finished reports for the city's profile"))
    def make_documents(self, request, queryset):
        base_url = request.build_absolute_uri("/")[:-1]
        made = []
        for report in queryset.select_related("city"):
            if report.report_status != ReportStatus.FINISHED:
                self.message_user(
                    request,
                    _("%(report)s is still being written: mark it finished first.")
                    % {"report": report},
                    messages.WARNING,
                )
                continue
            made += reports.make_documents(report, base_url)
        if made:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("admin:portal_document_change", args=[document.pk]), document)
                    for document in made
                ),
            )
            self.message_user(
                request,
                format_html(
                    "{} {}",
                    _(
                        "Documents made (drafts until published, then listed on the city's "
                        "profile):"
                    ),
                    links,
                ),
                messages.SUCCESS,
            )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/print/<str:lang>/",
                self.admin_site.admin_view(self.print_view),
                name="portal_monitoringreport_print",
            ),
            path(
                "<int:pk>/word/<str:lang>/",
                self.admin_site.admin_view(self.word_view),
                name="portal_monitoringreport_word",
            ),
        ]
        return own + super().get_urls()

    def _exported(self, request, pk, lang):
        if lang not in dict(EXPORT_LANGUAGES):
            raise Http404
        report = get_object_or_404(MonitoringReport.objects.select_related("city"), pk=pk)
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        return report

    def print_view(self, request, pk, lang):
        report = self._exported(request, pk, lang)
        city = getattr(report.city, f"name_{lang}") or report.city.name
        # The report's language, whatever the admin's.
        with translation.override(lang):
            return TemplateResponse(
                request,
                "admin/portal/monitoringreport/print.html",
                {
                    "report": report,
                    "lang": lang,
                    "city_name": city,
                    "sections": reports.sections_in(report, lang),
                },
            ).render()

    def word_view(self, request, pk, lang):
        report = self._exported(request, pk, lang)
        content = reports.word_document(report, lang, base_url=request.build_absolute_uri("/")[:-1])
        response = HttpResponse(content, content_type=WORD_TYPE)
        name = f"{slugify(report.city.slug)}-monitoring-report-{report.due_year}-{lang}.docx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
