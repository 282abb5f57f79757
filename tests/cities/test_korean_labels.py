"""Creative fields and regions in Korean as the Korean National Commission for UNESCO
writes them (its pages on the Creative Cities Network and on UNESCO's regional groups)."""

from django.utils import translation

from cities.models import CreativeField, Region

FIELDS_KO = {
    CreativeField.CRAFTS_AND_FOLK_ART: "공예와 민속예술",
    CreativeField.DESIGN: "디자인",
    CreativeField.FILM: "영화",
    CreativeField.GASTRONOMY: "미식",
    CreativeField.LITERATURE: "문학",
    CreativeField.MEDIA_ARTS: "미디어아트",
    CreativeField.MUSIC: "음악",
    CreativeField.ARCHITECTURE: "건축",
}

REGIONS_KO = {
    Region.AFRICA: "아프리카",
    Region.ARAB_STATES: "아랍 국가",
    Region.ASIA_PACIFIC: "아시아·태평양",
    Region.EUROPE_NORTH_AMERICA: "유럽·북미",
    Region.LATIN_AMERICA_CARIBBEAN: "라틴아메리카·카리브",
}


def test_every_creative_field_has_the_national_commissions_korean_name():
    assert set(FIELDS_KO) == set(CreativeField)  # the eight fields, Architecture since 2025
    with translation.override("ko"):
        assert {field: str(field.label) for field in CreativeField} == FIELDS_KO


def test_every_region_has_its_korean_name():
    assert set(REGIONS_KO) == set(Region)
    with translation.override("ko"):
        assert {region: str(region.label) for region in Region} == REGIONS_KO
