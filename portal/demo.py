"""Demo news, simple pages (text from seed 002), and one demo account per staff role.

News is the office's own: each item names the cities it is about (``cities``), and only
the items about the home city are published, so the home page's latest news is the home
city's whichever city that is; the others are kept as drafts (staff see them in the
admin). Icheon's items report its biennale and festivals (events.csv, seed 001),
Cheongju's its designation (seed 000, 5 Nov 2025), proclamation and biennales
(events.csv); the network's come from seed 003. Every item says what happened, in the
past tense, and nothing that happened after its own date.
"""

import datetime
import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cities.models import City
from events.models import Event
from portal import reports
from portal.blocks.publishing import PublicationStatus
from portal.blocks.roles import EDITOR, PUBLISHER
from portal.models import MonitoringReport, News, Page

D = datetime.date

NEWS = [
    {
        "slug": "korean-international-ceramic-biennale-2019",
        "date": D(2019, 9, 27),
        "cities": ["icheon"],
        "events": ["korean-international-ceramic-biennale-2019"],
        "title_en": "Korean International Ceramic Biennale 2019 opens at the Icheon World "
        "Ceramic Center",
        "title_ko": "경기세계도자비엔날레 2019, 이천세계도자센터에서 개막",
        "summary_en": "The biennale ran from 27 September to 24 November 2019, organised by "
        "the Korea Ceramic Foundation.",
        "summary_ko": "비엔날레는 2019년 9월 27일부터 11월 24일까지 열렸으며, 한국도자재단이 "
        "주최했습니다.",
        "body_en": "The Korean International Ceramic Biennale 2019 opened on 27 September at "
        "the Icheon World Ceramic Center in Seolbong Park, with its four large exhibition "
        "halls, and ran until 24 November. The Korea Ceramic Foundation organised it.\n\n"
        "The quality of this biennale and of Icheon's ceramic festivals was recognised in "
        "2010, when Icheon became Korea's first UNESCO Creative City of Crafts and Folk Art.",
        "body_ko": "경기세계도자비엔날레 2019가 9월 27일 설봉공원의 이천세계도자센터에서 "
        "개막해 11월 24일까지 열렸습니다. 대형 전시관 네 곳을 갖춘 이 센터에서 "
        "한국도자재단이 행사를 주최했습니다.\n\n"
        "이 비엔날레와 이천 도자기 축제의 우수한 운영은 2010년 이천이 국내 최초의 "
        "유네스코 공예·민속예술 창의도시로 지정되며 인정받았습니다.",
    },
    {
        "slug": "icheon-ceramics-festival-2017",
        "date": D(2017, 4, 28),
        "cities": ["icheon"],
        "events": ["icheon-ceramics-festival-2017"],
        "title_en": "Icheon Ceramics Festival 2017 at Ye's Park",
        "title_ko": "이천도자기축제 2017, 예스파크에서 열려",
        "summary_en": "The festival ran at Ye's Park from 28 April to 14 May 2017, with free "
        "entry.",
        "summary_ko": "축제는 2017년 4월 28일부터 5월 14일까지 예스파크에서 무료로 열렸습니다.",
    },
    {
        "slug": "korean-international-ceramic-biennale-2013",
        "date": D(2013, 9, 28),
        "cities": ["icheon"],
        "events": ["korean-international-ceramic-biennale-2013"],
        "title_en": "Korean International Ceramic Biennale 2013 opens at three venues, "
        "Icheon among them",
        "title_ko": "경기세계도자비엔날레 2013, 이천 등 세 곳에서 개막",
        "summary_en": "The biennale ran from 28 September to 17 November 2013 at three "
        "venues, one of them in Icheon.",
        "summary_ko": "비엔날레는 2013년 9월 28일부터 11월 17일까지 이천을 포함한 세 곳에서 "
        "열렸습니다.",
    },
    {
        "slug": "icheon-ceramics-festival-2010",
        "date": D(2010, 4, 24),
        "cities": ["icheon"],
        "events": ["icheon-ceramics-festival-2010"],
        "title_en": "Icheon Ceramics Festival 2010 at Ye's Park",
        "title_ko": "이천도자기축제 2010, 예스파크에서 열려",
        "summary_en": "The festival ran at Ye's Park from 24 April to 16 May 2010, with free "
        "entry.",
        "summary_ko": "축제는 2010년 4월 24일부터 5월 16일까지 예스파크에서 무료로 열렸습니다.",
    },
    {
        "slug": "cheongju-proclaims-creative-city-2025",
        "date": D(2025, 12, 2),
        "cities": ["cheongju"],
        "events": ["unesco-creative-city-proclamation-ceremony-2025"],
        "title_en": "Cheongju proclaims its designation as a UNESCO Creative City",
        "title_ko": "청주, 유네스코 창의도시 선포식 열어",
        "summary_en": "On 2 December 2025 Cheongju held its proclamation ceremony as a UNESCO "
        "Creative City of Crafts and Folk Art at the Culture Factory.",
        "summary_ko": "청주시가 2025년 12월 2일 문화제조창에서 유네스코 공예·민속예술 "
        "창의도시 선포식을 열었습니다.",
        "body_en": "The ceremony at the Culture Factory, industrial heritage turned into a "
        "space for craft production, exhibition and education, proclaimed the designation "
        "that UNESCO announced on 31 October 2025 (Paris time).",
        "body_ko": "산업 유산을 공예의 생산·전시·교육 공간으로 바꾼 문화제조창에서, 유네스코가 "
        "2025년 10월 31일(파리 현지 시각) 발표한 창의도시 지정을 선포했습니다.",
    },
    {
        "slug": "cheongju-joins-uccn-2025",
        "date": D(2025, 11, 5),
        "cities": ["cheongju"],
        "events": [],
        "title_en": "Cheongju becomes a UNESCO Creative City of Crafts and Folk Art",
        "title_ko": "청주, 유네스코 공예·민속예술 창의도시 선정",
        "summary_en": "On 31 October 2025 UNESCO announced Cheongju as the only new city "
        "from Korea to join the UNESCO Creative Cities Network.",
        "summary_ko": "2025년 10월 31일 유네스코는 청주를 올해 유네스코 창의도시 네트워크에 "
        "새로 가입한 유일한 한국 도시로 발표했습니다.",
        "body_en": "The city of Cheongju became a full member of the UNESCO Creative Cities "
        "Network (UCCN) in the field of Crafts and Folk Art. With it, Korea counted 13 "
        "UNESCO Creative Cities.\n\nCheongju began its journey as a candidate city in "
        "2018 and applied to UNESCO in March 2024; the final approval came eight months "
        "later.",
        "body_ko": "청주시가 공예·민속예술 분야 유네스코 창의도시 네트워크(UCCN)의 정회원이 "
        "되었습니다. 이로써 한국의 유네스코 창의도시는 13곳이 되었습니다.\n\n"
        "2018년 후보 도시로 출발한 청주는 2024년 3월 유네스코에 가입 신청서를 냈고, "
        "8개월 만에 최종 승인을 받았습니다.",
    },
    {
        "slug": "cheongju-craft-biennale-2025",
        "date": D(2025, 11, 2),
        "cities": ["cheongju"],
        "events": ["cheongju-craft-biennale-2025"],
        "title_en": "Cheongju Craft Biennale 2025 closes with over 400,000 visitors",
        "title_ko": "청주공예비엔날레 2025 폐막, 40만 명 넘게 관람",
        "summary_en": 'The 14th Cheongju Craft Biennale, "Re_Crafting Tomorrow", ran at the '
        "Culture Factory from 4 September to 2 November 2025, with 1,300 artists from 72 "
        "countries.",
        "summary_ko": '제14회 청주공예비엔날레 "Re_Crafting Tomorrow"가 2025년 9월 4일부터 '
        "11월 2일까지 문화제조창에서 열렸으며, 72개국 작가 1,300명이 참여했습니다.",
    },
    {
        "slug": "cheongju-craft-biennale-2023",
        "date": D(2023, 10, 15),
        "cities": ["cheongju"],
        "events": ["cheongju-craft-biennale-2023"],
        "title_en": "Cheongju Craft Biennale 2023 closes with about 300,000 visitors",
        "title_ko": "청주공예비엔날레 2023 폐막, 약 30만 명 관람",
        "summary_en": "The 13th Cheongju Craft Biennale ran at the Culture Factory from 1 "
        "September to 15 October 2023, with 251 artists or teams from 57 countries.",
        "summary_ko": "제13회 청주공예비엔날레가 2023년 9월 1일부터 10월 15일까지 "
        "문화제조창에서 열렸으며, 57개국 251명(팀)의 작가가 참여했습니다.",
    },
    {
        "slug": "network-meeting-bologna-2013",
        "date": D(2013, 10, 11),
        "cities": ["bologna"],
        "events": ["uccn-annual-meeting-2013"],
        "title_en": "UNESCO Creative Cities Network Meeting in Bologna",
        "title_ko": "볼로냐에서 열린 유네스코 창의도시 네트워크 회의",
    },
    {
        "slug": "beijing-jeonju-norwich-2012",
        "date": D(2012, 6, 26),
        "cities": ["beijing", "jeonju", "norwich"],
        "events": [],
        "title_en": "Beijing, Jeonju, and Norwich named UNESCO Creative Cities",
        "title_ko": "베이징·전주·노리치, 유네스코 창의도시로 지정",
    },
    {
        "slug": "new-creative-cities-2016",
        "date": D(2016, 1, 12),
        "cities": [],
        "events": [],
        "title_en": "New UNESCO Creative Cities announced",
        "title_ko": "유네스코 창의도시 신규 지정 발표",
    },
    {
        "slug": "network-expansion-2019",
        "date": D(2019, 11, 1),
        "cities": [],
        "events": [],
        "title_en": "Substantial expansion in UNESCO Creative Cities Network announced",
        "title_ko": "유네스코 창의도시 네트워크 대폭 확대 발표",
    },
    {
        "slug": "49-cities-join-2021",
        "date": D(2021, 11, 9),
        "cities": [],
        "events": [],
        "title_en": "49 cities join UNESCO Creative Cities Network",
        "title_ko": "49개 도시, 유네스코 창의도시 네트워크 가입",
    },
    {
        "slug": "uccn-network-2010",
        "date": D(2010, 6, 14),
        "cities": ["edinburgh", "bologna", "kobe", "lyon", "shenzhen", "kanazawa"],
        "events": [],
        "title_en": "UNESCO Creative Cities network",
        "title_ko": "유네스코 창의도시 네트워크",
        "body_en": "The Creative Cities Network connects cities who want to share "
        "experiences, ideas and best practices for cultural, social and economic "
        "development. Cities in Asia and Europe appointed to the network include "
        "Edinburgh (Literature), Bologna (Music), Kobe (Design), Lyon (Media "
        "Arts), Shenzhen (Design) and Kanazawa (Crafts and Folk Art).",
        "body_ko": "창의도시 네트워크는 문화·사회·경제 발전을 위한 경험과 생각, 모범 사례를 "
        "나누려는 도시들을 잇습니다. 아시아와 유럽의 회원 도시로는 에든버러(문학), "
        "볼로냐(음악), 고베(디자인), 리옹(미디어아트), 선전(디자인), "
        "가나자와(공예·민속예술) 등이 있습니다.",
    },
]

OBJECTIVES_EN = """The UNESCO Creative Cities Network aims to:

- strengthen international cooperation between cities that have recognized creativity as a strategic factor of their sustainable development;
- stimulate and enhance initiatives led by member cities to make creativity an essential component of urban development, notably through partnerships involving the public and private sectors and civil society;
- strengthen the creation, production, distribution and dissemination of cultural activities, goods and services;
- develop hubs of creativity and innovation and broaden opportunities for creators and professionals in the cultural sector;
- improve access to and participation in cultural life as well as the enjoyment of cultural goods and services, notably for marginalized or vulnerable groups and individuals;
- fully integrate culture and creativity into local development strategies and plans."""

OBJECTIVES_KO = """유네스코 창의도시 네트워크의 목표는 다음과 같습니다.

- 창의성을 지속가능한 발전의 전략적 요소로 인식한 도시 간 국제 협력 강화
- 공공·민간 부문과 시민사회가 함께하는 협력을 통해, 창의성을 도시 발전의 핵심 요소로 삼으려는 회원 도시의 노력 촉진
- 문화 활동, 상품, 서비스의 창작·생산·유통·보급 강화
- 창의와 혁신의 거점을 만들고 문화 분야 창작자와 전문가의 기회 확대
- 특히 소외되거나 취약한 집단과 개인의 문화생활 접근과 참여, 문화 상품과 서비스 향유 확대
- 문화와 창의성을 지역 발전 전략과 계획에 온전히 반영"""

PAGES = [
    {
        "slug": "about",
        "footer_order": 1,
        "title_en": "About the Creative City program",
        "title_ko": "창의도시 사업 소개",
        "body_en": 'A creative city is "a city that seeks sustainable development based on '
        'its cultural assets and creativity": a city where creative people put '
        "their heads together, come up with creative ideas, and voluntarily try "
        "to solve local problems, drawing on the city's history, cultural assets "
        "and memories rather than generalized solutions.\n\nThe UNESCO Creative "
        "Cities Network (UCCN) was created in 2004 to help cities develop a "
        "variety of cultural industries and promote international cultural "
        "exchange at the city level.",
        "body_ko": '창의도시란 "문화자산과 창의성을 바탕으로 지속가능한 발전을 추구하는 '
        '도시"입니다. 창의적인 사람들이 머리를 맞대 창의적인 생각을 내고, 지역 '
        "문제를 스스로 풀어 가는 도시입니다. 그 해법은 일반론이 아니라 도시의 "
        "역사와 문화자산, 기억과 경험에서 찾습니다.\n\n유네스코 창의도시 "
        "네트워크(UCCN)는 2004년, 도시들이 다양한 문화산업을 키우고 도시 차원의 "
        "국제 문화교류를 넓히도록 돕기 위해 만들어졌습니다.",
    },
    {
        "slug": "objectives",
        "footer_order": 2,
        "title_en": "Objectives of the UNESCO Creative Cities Network",
        "title_ko": "유네스코 창의도시 네트워크의 목표",
        "body_en": OBJECTIVES_EN,
        "body_ko": OBJECTIVES_KO,
    },
    {
        "slug": "logo",
        "footer_order": 3,
        "title_en": "Use of the UNESCO Creative City logo",
        "title_ko": "유네스코 창의도시 로고 사용",
        "body_en": "A member city of the UNESCO Creative Cities Network has the right to use "
        'the title "UNESCO Creative City" and the concomitant logo. Ask the '
        "program office before using the logo in a publication or on a product.",
        "body_ko": '유네스코 창의도시 네트워크 회원 도시는 "유네스코 창의도시"라는 명칭과 '
        "그에 따른 로고를 쓸 수 있습니다. 간행물이나 상품에 로고를 쓰려면 먼저 "
        "사업단에 문의해 주세요.",
    },
    {
        "slug": "accessibility",
        "footer_order": 4,
        "title_en": "Accessibility statement",
        "title_ko": "웹 접근성 정책",
        "body_en": "This site aims to meet the Korean Web Content Accessibility Guidelines "
        "2.2 (KWCAG 2.2), the national standard Korean public sites are certified "
        "against, and WCAG 2.2 level AA. It works with a keyboard and a screen "
        "reader, on a phone, and without JavaScript for reading.\n\n"
        "## What is tested\n\n"
        "- Every public page is opened in a real browser (Chromium) by the site's "
        "automatic tests and checked with axe-core; a page with any violation fails.\n"
        "- Pages are checked at a phone's width of 390 pixels as well as on a desktop.\n"
        "- The skip link, menus, forms and links are checked with the keyboard alone.\n\n"
        "Automatic tests do not find every barrier.\n\n"
        "## Report a barrier\n\n"
        "If something on this site does not work for you, tell the program office "
        "through the [contact page](/en/contact/): say which page, what you tried "
        "and what you use (for example a screen reader or a keyboard). We answer "
        "and fix it, and can send you the information in another form meanwhile.",
        "body_ko": "이 사이트는 한국형 웹 콘텐츠 접근성 지침 2.2(KWCAG 2.2, 국내 공공 "
        "누리집이 인증받는 국가 표준)와 WCAG 2.2 AA 수준을 지키는 것을 목표로 "
        "합니다. 키보드와 화면낭독기, 휴대전화로 쓸 수 있고, 자바스크립트 없이도 "
        "내용을 읽을 수 있습니다.\n\n"
        "## 점검하는 것\n\n"
        "- 모든 공개 페이지를 자동 시험에서 실제 브라우저(Chromium)로 열어 axe-core로 "
        "점검합니다. 위반이 하나라도 있으면 시험이 실패합니다.\n"
        "- 데스크톱과 함께 휴대전화 폭(390픽셀)에서도 점검합니다.\n"
        "- 본문 바로가기, 메뉴, 입력 양식, 링크를 키보드만으로 점검합니다.\n\n"
        "자동 시험으로 모든 장벽을 찾을 수는 없습니다.\n\n"
        "## 불편 신고\n\n"
        "이용에 불편이 있으면 [연락처 페이지](/ko/contact/)로 사업단에 알려 주세요. "
        "어느 페이지에서, 무엇을 하려 했는지, 무엇을 쓰는지(예: 화면낭독기, 키보드) "
        "알려 주시면 답변드리고 고치겠습니다. 그동안 필요한 정보는 다른 방법으로도 "
        "보내 드립니다.",
    },
]

DEMO_USERS = [("editor", EDITOR, False), ("publisher", PUBLISHER, False), ("admin", None, True)]


def _upsert(model, slug, values, log, m2m=None):
    """Create, update or leave alone; save (and so record history) only on a change, and
    set the many-to-many links only when they differ."""
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        obj = model.objects.create(slug=slug, **values)
        log(f"  created {model._meta.verbose_name} {slug}")
    else:
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for key in changed:
                setattr(obj, key, values[key])
            obj.save()
            log(f"  updated {model._meta.verbose_name} {slug}")
    for name, related in (m2m or {}).items():
        manager = getattr(obj, name)
        if {item.pk for item in manager.all()} != {item.pk for item in related}:
            manager.set(related)


def load(*, home, log, users=False, **kwargs):
    cities = {city.slug: city for city in City.objects.all()}
    events = {event.slug: event for event in Event.objects.all()}
    for item in NEWS:
        item = dict(item)
        about = item.pop("cities")
        related_events = item.pop("events")
        item["status"] = PublicationStatus.PUBLISHED if home in about else PublicationStatus.DRAFT
        _upsert(
            News,
            item.pop("slug"),
            item,
            log,
            m2m={
                "cities": [cities[slug] for slug in about],
                "events": [events[slug] for slug in related_events],
            },
        )
    for item in PAGES:
        item = dict(item)
        _upsert(Page, item.pop("slug"), {"status": PublicationStatus.PUBLISHED, **item}, log)
    report_for(cities.get(home), log)
    if users:
        create_demo_users(log)


# The office's text of the demo report: a sample, and said to be one.
REPORT_TEXT = {
    "milestones": {
        "text_ko": "(예시 글) 이 보고서는 포털에 기록된 행사, 교류, 기관 정보로 초안을 만든 "
        "예시입니다. 사무국은 각 항목의 사실 목록을 확인하고 이 자리에 요약을 씁니다.",
        "text_en": "(Sample text) This report is a sample drafted from the events, exchanges "
        "and institutions recorded in the portal. The office checks each section's facts "
        "and writes its summary here.",
    },
}


def report_for(city, log):
    """A Membership Monitoring Report for the home city's next due year, drafted from the
    demo's records, with sample text in its summary. Left alone once it exists."""
    due = reports.next_due(city)
    if due is None or due["report"] is not None:
        return
    start, end = reports.period_for(city, due["year"])
    report = MonitoringReport.objects.create(
        city=city, due_year=due["year"], period_start=start, period_end=end
    )
    reports.start_report(report)
    for section in report.sections.all():
        text = REPORT_TEXT.get(section.source)
        if text:
            for name, value in text.items():
                setattr(section, name, value)
            section.save()
    log(f"  drafted the monitoring report due in {due['year']} for {city.slug}")


def create_demo_users(log):
    """One account per role. The password comes from DEMO_PASSWORD or is made up and
    printed; an existing account keeps its password."""
    User = get_user_model()
    for username, role, is_superuser in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            log(f"  demo user {username!r} exists (password unchanged)")
            continue
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username, f"{username}@example.org", password, is_staff=True, is_superuser=is_superuser
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        log(f"  demo user {username!r} ({role or 'superuser'}), password: {password}")
