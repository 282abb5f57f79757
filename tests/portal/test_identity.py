"""The site's identity: one record staff edit in the admin, shown in every page's title,
header and footer and on the contact page, with the defaults of a fresh install."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from PIL import Image

from portal import identity_demo
from portal.blocks.roles import EDITOR, PUBLISHER
from portal.management.commands import make_icons
from portal.models import IDENTITY_PK, SiteIdentity, SocialLink
from tests.factories import CityFactory, SiteIdentityFactory, SocialLinkFactory
from tests.portal.admin_helpers import change_form_data
from tests.portal.images import image_bytes, upload

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def url(name, lang="ko", **kwargs):
    with translation.override(lang):
        return reverse(name, **kwargs)


# --- Without a record -----------------------------------------------------------------


def test_a_fresh_install_shows_the_portal_s_own_name_and_no_official_banner(client):
    korean = client.get(url("portal:home")).text
    assert "· 창의도시 포털</title>" in korean
    assert '<span class="brand__name">창의도시 포털</span>' in korean
    assert "공식 전자정부 누리집" not in korean and "모든 권리 보유" not in korean
    english = client.get(url("portal:home", "en")).text
    assert "· Creative City Portal</title>" in english
    assert "official e-government website" not in english


def test_the_contact_page_answers_before_any_details_are_given(client):
    response = client.get(url("portal:contact", "en"))
    assert response.status_code == 200
    assert "The office has not published its contact details yet." in response.text
    assert 'href="tel:' not in response.text


# --- Shown on the pages ---------------------------------------------------------------


@pytest.fixture
def identity():
    identity = SiteIdentityFactory(contact=True)
    SocialLinkFactory(identity=identity, network_ko="유튜브", network_en="YouTube", order=2)
    SocialLinkFactory(identity=identity, network_ko="인스타그램", network_en="Instagram", order=1)
    return identity


def test_title_header_and_footer_name_the_office_in_each_language(client, identity):
    korean = client.get(url("portal:news-list")).text
    assert "<title>소식 · 이천 유네스코 공예·민속예술 창의도시</title>" in korean
    assert '<span class="brand__name">이천 유네스코 공예·민속예술 창의도시</span>' in korean
    assert '<p class="site-footer__name">이천시 유네스코 창의도시팀</p>' in korean
    assert "© 이천시 유네스코 창의도시팀. 모든 권리 보유." in korean
    english = client.get(url("portal:news-list", "en")).text
    assert "Icheon UNESCO Creative City of Crafts and Folk Art</title>" in english
    assert "40 Buak-ro, Icheon" in english and "Weekdays 9:00–18:00" in english


def test_the_phone_is_a_tel_link_in_the_footer_and_on_the_contact_page(client, identity):
    link = '<a href="tel:+82316442000">031-644-2000</a>'
    assert link in client.get(url("portal:home")).text
    contact = client.get(url("portal:contact")).text
    assert link in contact
    assert '<a href="mailto:creative@example.org">creative@example.org</a>' in contact


def test_the_social_links_follow_their_order(client, identity):
    text = client.get(url("portal:contact", "en")).text
    assert text.index(">Instagram</a>") < text.index(">YouTube</a>")
    footer = text.split('<footer class="site-footer">')[1]
    assert footer.index(">Instagram</a>") < footer.index(">YouTube</a>")


def test_the_contact_page_links_a_map_of_the_address(client, identity):
    text = client.get(url("portal:contact")).text
    assert "지도에서 보기:" in text and "https://map.kakao.com/link/search/" in text
    assert "경기도 이천시 부악로 40 (17379)" in text
    identity.address_ko = identity.address_en = ""
    identity.save()
    assert "지도에서 보기:" not in client.get(url("portal:contact")).text


def test_the_contact_page_is_linked_from_the_header_and_the_footer(client, identity):
    assert url("portal:contact", "en") == "/en/contact/"
    text = client.get(url("portal:home", "en")).text
    header, footer = text.split("</header>")[0], text.split('<footer class="site-footer">')[1]
    assert '<a class="utility__contact" href="/en/contact/">Contact</a>' in header
    assert '<a href="/en/contact/">Contact</a>' in footer


def test_news_is_in_the_main_navigation(client):
    navigation = client.get(url("portal:home")).text.split('class="site-nav"')[1]
    assert f'<a href="{url("portal:news-list")}">소식</a>' in navigation.split("</nav>")[0]


def test_an_untranslated_name_is_marked_with_its_language(client):
    SiteIdentityFactory(site_name_en="", office_name_en="")
    text = client.get(url("portal:home", "en")).text
    assert '<span class="brand__name" lang="ko">이천 유네스코 공예·민속예술 창의도시</span>' in text
    assert "Icheon UNESCO Creative City of Crafts and Folk Art</title>" not in text


# These save after a page was made: their saves commit, so the kept header and footer
# (regions) are dropped as on a site.
@pytest.mark.django_db(transaction=True)
def test_the_official_banner_and_operator_line_only_on_a_government_site(client, identity):
    assert "공식 전자정부 누리집" not in client.get(url("portal:home")).text
    identity.is_government_site = True
    identity.government_url = "https://www.icheon.go.kr"
    identity.save()
    text = client.get(url("portal:home")).text
    header, footer = text.split("</header>")[0], text.split('<footer class="site-footer">')[1]
    assert "이 누리집은 대한민국 공식 전자정부 누리집입니다." in header
    assert "<summary>공식 누리집 확인방법</summary>" in header
    assert 'href="https://www.icheon.go.kr"' in header
    assert "이 누리집은 이천시 유네스코 창의도시팀에서 운영합니다." in footer


@pytest.mark.django_db(transaction=True)
def test_logos_show_only_once_uploaded_with_their_descriptions(client, identity):
    text = client.get(url("portal:home", "en")).text
    assert "brand__logo" not in text and "site-footer__logo" not in text
    identity.unesco_logo.save("unesco.png", upload(image_bytes("PNG", (600, 300))), save=False)
    identity.unesco_logo_alt_ko = "유네스코 창의도시 네트워크 로고"
    identity.unesco_logo_alt_en = "UNESCO Creative Cities Network logo"
    identity.office_logo.save("logo.png", upload(image_bytes("PNG", (300, 100))), save=False)
    identity.office_logo_alt_ko = "이천시 로고"
    identity.office_logo_alt_en = "Icheon City logo"
    identity.save()
    text = client.get(url("portal:home", "en")).text
    assert 'alt="UNESCO Creative Cities Network logo"' in text
    assert 'alt="Icheon City logo"' in text and 'class="brand__logo"' in text


def test_no_unesco_logo_is_shipped_with_the_site():
    shipped = [path.name.lower() for path in (ROOT / "static").rglob("*")]
    assert not [name for name in shipped if "unesco" in name or "uccn" in name]


# --- One record -----------------------------------------------------------------------


def test_there_is_only_ever_one_identity():
    SiteIdentityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteIdentity.objects.create(site_name_ko="둘째")
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteIdentity.objects.create(id=IDENTITY_PK + 1, site_name_ko="둘째")
    assert SiteIdentity.objects.count() == 1


def test_the_admin_opens_the_one_record_and_never_deletes_it(client, publisher):
    client.force_login(publisher)
    changelist = reverse("admin:portal_siteidentity_changelist")
    assert client.get(changelist)["Location"] == reverse("admin:portal_siteidentity_add")
    identity = SiteIdentityFactory()
    change = reverse("admin:portal_siteidentity_change", args=[identity.pk])
    assert client.get(changelist)["Location"] == change
    assert client.get(reverse("admin:portal_siteidentity_add")).status_code == 403
    delete = reverse("admin:portal_siteidentity_delete", args=[identity.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert SiteIdentity.objects.exists()


def test_editors_and_publishers_may_edit_it_from_the_first_migration(editor):
    for role in (EDITOR, PUBLISHER):
        codenames = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        assert {"change_siteidentity", "add_sociallink", "change_sociallink"} <= codenames
    assert editor.has_perm("portal.change_siteidentity")


def _admin_form(client, identity):
    response = client.get(reverse("admin:portal_siteidentity_change", args=[identity.pk]))
    return change_form_data(response)


def _save_form(client, identity, data):
    return client.post(reverse("admin:portal_siteidentity_change", args=[identity.pk]), data)


@pytest.mark.parametrize(
    "address, stored",
    [
        ("www.instagram.com/icheon", "https://www.instagram.com/icheon"),
        ("https://youtube.com/@icheon", "https://youtube.com/@icheon"),
        ("http://blog.naver.com/icheon", None),
        ("javascript:alert(1)", None),
        ("ftp://example.org/icheon", None),
        ("not a web address", None),
    ],
)
def test_social_links_must_be_https_addresses(client, publisher, address, stored):
    identity = SiteIdentityFactory()
    client.force_login(publisher)
    data = _admin_form(client, identity)
    data.update(
        {"social_links-0-network_ko": "채널", "social_links-0-network_en": "Channel"},
        **{"social_links-0-url": address, "social_links-0-order": "1"},
    )
    response = _save_form(client, identity, data)
    if stored is None:
        assert response.status_code == 200
        errors = response.context["inline_admin_formsets"][0].formset.errors
        assert errors[0]["url"]
        assert not SocialLink.objects.exists()
    else:
        assert response.status_code == 302
        assert SocialLink.objects.get().url == stored


def test_a_plain_http_link_is_refused_by_the_model_too():
    link = SocialLink(identity=SiteIdentityFactory(), network_ko="블로그", url="http://x.example")
    with pytest.raises(ValidationError) as error:
        link.full_clean()
    assert "url" in error.value.message_dict


def test_the_admin_saves_contact_details_and_refuses_a_bad_phone(client, publisher):
    identity = SiteIdentityFactory()
    client.force_login(publisher)
    data = _admin_form(client, identity)
    data.update({"phone": "not a phone", "email": "creative@example.org"})
    response = _save_form(client, identity, data)
    assert response.status_code == 200 and response.context["adminform"].form.errors["phone"]
    data["phone"] = "031-644-2000"
    assert _save_form(client, identity, data).status_code == 302
    identity.refresh_from_db()
    assert identity.phone.as_e164 == "+82316442000" and identity.phone_display == "031-644-2000"


def test_a_logo_needs_its_description_in_both_languages(client, publisher):
    identity = SiteIdentityFactory()
    client.force_login(publisher)
    data = _admin_form(client, identity)
    data.update(
        {
            "emblem": upload(image_bytes("PNG", (200, 200)), name="emblem.png"),
            "emblem_alt_ko": "이천시 상징",
            "emblem_alt_en": "",
        }
    )
    response = _save_form(client, identity, data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["emblem_alt_en"]
    identity.refresh_from_db()
    assert not identity.emblem


def test_a_fake_image_is_refused_as_a_logo(client, publisher):
    identity = SiteIdentityFactory()
    client.force_login(publisher)
    data = _admin_form(client, identity)
    data.update(
        {
            "office_logo": upload(b"<svg><script>alert(1)</script></svg>", name="logo.png"),
            "office_logo_alt_ko": "로고",
            "office_logo_alt_en": "Logo",
        }
    )
    response = _save_form(client, identity, data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["office_logo"]


# --- Demo and icons -------------------------------------------------------------------


def test_the_demo_names_the_site_after_its_home_city_once():
    CityFactory(is_home=True, name_ko="이천", name_en="Icheon", country="KR")
    lines = []
    identity_demo.load(log=lines.append)
    identity = SiteIdentity.objects.get()
    assert identity.site_name_en == "Icheon UNESCO Creative City of Crafts and Folk Art"
    assert identity.site_name_ko.startswith("이천 유네스코 ") and identity.is_government_site
    assert identity.office_name_ko == "이천시" and not identity.phone
    stamp = identity.updated_at
    lines.clear()
    identity_demo.load(log=lines.append)
    assert lines == [] and SiteIdentity.objects.get().updated_at == stamp


def test_a_foreign_home_city_s_demo_site_is_not_marked_as_korean_government():
    CityFactory(is_home=True, name_ko="볼로냐", name_en="Bologna", country="IT")
    identity_demo.load(log=lambda line: None)
    identity = SiteIdentity.objects.get()
    assert not identity.is_government_site and identity.office_name_en == ""


def test_the_icons_in_the_repository_are_what_make_icons_draws():
    folder = ROOT / "static" / "img"
    assert (folder / "icon.svg").read_text() == make_icons.svg()
    for name, (pixels, rounded) in make_icons.PNGS.items():
        with Image.open(folder / name) as stored:
            assert stored.size == (pixels, pixels)
            drawn = Image.open(io.BytesIO(_png_bytes(make_icons.png(pixels, rounded))))
            assert stored.convert("RGBA").tobytes() == drawn.convert("RGBA").tobytes(), name


def _png_bytes(image):
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
