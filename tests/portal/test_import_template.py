"""The import template each spreadsheet admin offers: the resource's columns on the
first sheet, and what each column accepts on the second."""

import io

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["cities_city", "institutions_institution"])
def test_the_import_page_links_a_template_with_the_allowed_values(admin_client, model):
    page = admin_client.get(reverse(f"admin:{model}_import"), HTTP_ACCEPT_LANGUAGE="ko")
    url = reverse(f"admin:{model}_import_template")
    assert url in page.text
    response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data, allowed = book.worksheets
    columns = [cell.value for cell in data[1]]
    assert "slug" in columns and "name_ko" in columns
    rules = {row[0]: row[1] for row in allowed.iter_rows(min_row=2, values_only=True)}
    assert set(rules) == set(columns)
    if model == "cities_city":
        assert "Crafts and Folk Art / 공예와 민속예술" in rules["field"]
    else:
        assert "(museum)" in rules["kind"] or "museum" in rules["kind"].lower()


def test_only_staff_who_may_import_get_the_template(client, django_user_model):
    user = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(user)
    response = client.get(reverse("admin:cities_city_import_template"))
    assert response.status_code == 403
