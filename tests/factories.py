"""factory-boy factories for every content model (tests never use JSON fixtures).

Factories create *published* records by default; pass ``status="draft"`` for drafts.
"""

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from cities.models import (
    City,
    CityImage,
    CreativeField,
    Milestone,
    Partnership,
    PartnershipKind,
    Region,
)
from events.figures import EditionFigure, FigureKind
from events.models import Event, EventImage, EventKind, EventSeries
from institutions.models import Discipline, Institution, InstitutionImage, InstitutionKind
from portal.blocks.gallery import Licence
from portal.blocks.publishing import PublicationStatus
from portal.documents import Document, DocumentKind
from portal.documents_demo import sample_pdf
from portal.models import (
    IDENTITY_PK,
    GuidelineSection,
    MonitoringReport,
    News,
    NewsImage,
    Page,
    ReportSection,
    SiteIdentity,
    SocialLink,
)


class PublishedFactory(factory.django.DjangoModelFactory):
    status = PublicationStatus.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=1))

    class Meta:
        abstract = True


class CityFactory(PublishedFactory):
    name_en = factory.Sequence(lambda n: f"City {n}")
    name_ko = factory.Sequence(lambda n: f"도시 {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")
    country = "KR"
    region = Region.ASIA_PACIFIC
    creative_field = CreativeField.CRAFTS_AND_FOLK_ART
    designation_year = 2019
    summary_en = "A creative city."
    summary_ko = "창의도시입니다."

    class Meta:
        model = City


class PartnershipFactory(PublishedFactory):
    city = factory.SubFactory(CityFactory)
    partner = factory.SubFactory(CityFactory)
    kind = PartnershipKind.SISTER_CITY
    title_en = factory.Sequence(lambda n: f"Partnership {n}")
    title_ko = factory.Sequence(lambda n: f"교류 {n}")
    start_date = datetime.date(2015, 4, 1)

    class Meta:
        model = Partnership


class MilestoneFactory(PublishedFactory):
    city = factory.SubFactory(CityFactory)
    date = datetime.date(2018, 1, 1)
    title_en = factory.Sequence(lambda n: f"Milestone {n}")
    title_ko = factory.Sequence(lambda n: f"이정표 {n}")

    class Meta:
        model = Milestone


class DisciplineFactory(factory.django.DjangoModelFactory):
    name_en = factory.Sequence(lambda n: f"Discipline {n}")
    name_ko = factory.Sequence(lambda n: f"분야 {n}")
    slug = factory.Sequence(lambda n: f"discipline-{n}")

    class Meta:
        model = Discipline


class InstitutionFactory(PublishedFactory):
    name_en = factory.Sequence(lambda n: f"Institution {n}")
    name_ko = factory.Sequence(lambda n: f"기관 {n}")
    slug = factory.Sequence(lambda n: f"institution-{n}")
    kind = InstitutionKind.STUDIO
    city = factory.SubFactory(CityFactory)

    class Meta:
        model = Institution


class EventSeriesFactory(PublishedFactory):
    name_en = factory.Sequence(lambda n: f"Series {n}")
    name_ko = factory.Sequence(lambda n: f"시리즈 {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")

    class Meta:
        model = EventSeries


class EventFactory(PublishedFactory):
    title_en = factory.Sequence(lambda n: f"Event {n}")
    title_ko = factory.Sequence(lambda n: f"행사 {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = EventKind.EXHIBITION
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=2))

    class Meta:
        model = Event


class NewsFactory(PublishedFactory):
    title_en = factory.Sequence(lambda n: f"News {n}")
    title_ko = factory.Sequence(lambda n: f"소식 {n}")
    slug = factory.Sequence(lambda n: f"news-{n}")
    date = datetime.date(2025, 11, 5)
    summary_en = "A summary."
    summary_ko = "요약입니다."
    body_en = "Body text."
    body_ko = "본문입니다."

    class Meta:
        model = News


class PageFactory(PublishedFactory):
    title_en = factory.Sequence(lambda n: f"Page {n}")
    title_ko = factory.Sequence(lambda n: f"페이지 {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body_en = "About us."
    body_ko = "소개합니다."

    class Meta:
        model = Page


class SiteIdentityFactory(factory.django.DjangoModelFactory):
    """The one site identity (created once; later calls return it unchanged)."""

    id = IDENTITY_PK
    site_name_ko = "이천 유네스코 공예·민속예술 창의도시"
    site_name_en = "Icheon UNESCO Creative City of Crafts and Folk Art"
    office_name_ko = "이천시 유네스코 창의도시팀"
    office_name_en = "Icheon UNESCO Creative City team"

    class Meta:
        model = SiteIdentity
        django_get_or_create = ("id",)

    class Params:
        # ``SiteIdentityFactory(contact=True)``: with a full set of contact details.
        contact = factory.Trait(
            address_ko="경기도 이천시 부악로 40",
            address_en="40 Buak-ro, Icheon, Gyeonggi-do",
            postal_code="17379",
            phone="031-644-2000",
            email="creative@example.org",
            hours_ko="평일 09:00–18:00 (공휴일 휴무)",
            hours_en="Weekdays 9:00–18:00 (closed on public holidays)",
        )


class SocialLinkFactory(factory.django.DjangoModelFactory):
    identity = factory.SubFactory(SiteIdentityFactory)
    network_ko = factory.Sequence(lambda n: f"채널 {n}")
    network_en = factory.Sequence(lambda n: f"Channel {n}")
    url = factory.Sequence(lambda n: f"https://social.example.org/icheon-{n}")
    order = factory.Sequence(int)

    class Meta:
        model = SocialLink


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff member in a role of portal.blocks.roles: ``StaffFactory(role=EDITOR)``."""

    username = factory.Sequence(lambda n: f"staff-{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("a-long-password-1")
    is_staff = True

    class Meta:
        model = "auth.User"
        skip_postgeneration_save = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))


class GalleryImageFactory(factory.django.DjangoModelFactory):
    """A gallery image: a real JPEG (through the image pipeline) with its alt text."""

    image = factory.django.ImageField(width=900, height=600, color="teal", format="JPEG")
    image_alt_ko = factory.Sequence(lambda n: f"청자 유약 무늬 {n}")
    image_alt_en = factory.Sequence(lambda n: f"Celadon glaze pattern {n}")
    caption_ko = "가마에서 나온 청자"
    caption_en = "Celadon from the kiln"
    credit_ko = "시험 사진가"
    credit_en = "Test photographer"
    licence = Licence.KOGL_1
    position = factory.Sequence(lambda n: n)


class CityImageFactory(GalleryImageFactory):
    city = factory.SubFactory(CityFactory)

    class Meta:
        model = CityImage


class InstitutionImageFactory(GalleryImageFactory):
    institution = factory.SubFactory(InstitutionFactory)

    class Meta:
        model = InstitutionImage


class EventImageFactory(GalleryImageFactory):
    event = factory.SubFactory(EventFactory)

    class Meta:
        model = EventImage


class NewsImageFactory(GalleryImageFactory):
    news = factory.SubFactory(NewsFactory)

    class Meta:
        model = NewsImage


class GuidelineSectionFactory(factory.django.DjangoModelFactory):
    title_ko = factory.Sequence(lambda n: f"항목 {n}")
    title_en = factory.Sequence(lambda n: f"Section {n}")
    guidance_ko = "이 항목에 쓸 내용."
    guidance_en = "What this section says."
    source = "none"
    position = factory.Sequence(lambda n: 100 + n)

    class Meta:
        model = GuidelineSection


class MonitoringReportFactory(factory.django.DjangoModelFactory):
    city = factory.SubFactory(CityFactory, designation_year=2018)
    due_year = 2026
    period_start = datetime.date(2023, 1, 1)
    period_end = datetime.date(2026, 12, 31)

    class Meta:
        model = MonitoringReport


class ReportSectionFactory(factory.django.DjangoModelFactory):
    report = factory.SubFactory(MonitoringReportFactory)
    title_ko = factory.Sequence(lambda n: f"보고 항목 {n}")
    title_en = factory.Sequence(lambda n: f"Report section {n}")
    text_ko = "사무국이 쓴 글."
    text_en = "The office's text."

    class Meta:
        model = ReportSection


class DocumentFactory(PublishedFactory):
    """A document with a small valid PDF."""

    title_en = factory.Sequence(lambda n: f"Document {n}")
    title_ko = factory.Sequence(lambda n: f"문서 {n}")
    slug = factory.Sequence(lambda n: f"document-{n}")
    summary_en = "What the document holds."
    summary_ko = "문서 내용 요약입니다."
    kind = DocumentKind.PUBLICATION
    date = datetime.date(2024, 5, 1)
    licence = Licence.KOGL_1
    file = factory.django.FileField(filename="report.pdf", data=sample_pdf(["Test document"]))

    class Meta:
        model = Document


class FigureKindFactory(factory.django.DjangoModelFactory):
    name_en = factory.Sequence(lambda n: f"Figure {n}")
    name_ko = factory.Sequence(lambda n: f"수치 {n}")
    slug = factory.Sequence(lambda n: f"figure-{n}")
    order = factory.Sequence(lambda n: 100 + n)

    class Meta:
        model = FigureKind
        django_get_or_create = ("slug",)


class EditionFigureFactory(factory.django.DjangoModelFactory):
    event = factory.SubFactory(EventFactory)
    kind = factory.SubFactory(FigureKindFactory)
    value = 1000
    source_en = "Organiser's report"
    source_ko = "주최 측 결과 보고서"

    class Meta:
        model = EditionFigure
