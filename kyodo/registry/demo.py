"""Realistic Kamakura demo groups, generated deterministically.

Names combine real Kamakura place names with activity themes so that the directory, its
五十音 order and its kana search can be tried on something that looks like the real list.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from kyodo.registry.models import LegalForm

PLACES = [
    ("鎌倉", "かまくら"),
    ("大船", "おおふな"),
    ("腰越", "こしごえ"),
    ("深沢", "ふかさわ"),
    ("玉縄", "たまなわ"),
    ("由比ガ浜", "ゆいがはま"),
    ("材木座", "ざいもくざ"),
    ("七里ガ浜", "しちりがはま"),
    ("長谷", "はせ"),
    ("稲村ガ崎", "いなむらがさき"),
    ("極楽寺", "ごくらくじ"),
    ("北鎌倉", "きたかまくら"),
    ("二階堂", "にかいどう"),
    ("今泉台", "いまいずみだい"),
    ("梶原", "かじわら"),
    ("山崎", "やまざき"),
    ("岩瀬", "いわせ"),
    ("植木", "うえき"),
    ("手広", "てびろ"),
    ("西鎌倉", "にしかまくら"),
    ("扇ガ谷", "おうぎがやつ"),
    ("浄明寺", "じょうみょうじ"),
]
# (theme, reading, NPO-Act field numbers, activity sentence)
THEMES = [
    (
        "子ども食堂",
        "こどもしょくどう",
        [13, 1],
        "月2回、地域の子どもと高齢者が一緒に食べる食堂を開いています。",
    ),
    (
        "子育てひろば",
        "こそだてひろば",
        [13, 12],
        "乳幼児の親子が集まれるひろばを公民館で開いています。",
    ),
    (
        "見守りネット",
        "みまもりねっと",
        [1, 9],
        "一人暮らしの高齢者宅への声かけと見守りを行っています。",
    ),
    (
        "海岸クリーン",
        "かいがんくりーん",
        [7],
        "毎月第1日曜日に海岸の清掃と海ごみ調査をしています。",
    ),
    ("里山保全", "さとやまほぜん", [7, 5], "谷戸の里山で下草刈りと竹林整備をしています。"),
    (
        "歴史ガイド",
        "れきしがいど",
        [4, 6],
        "寺社や史跡を案内するボランティアガイドを養成しています。",
    ),
    (
        "防災サポート",
        "ぼうさいさぽーと",
        [8, 9],
        "津波避難訓練と防災マップづくりを町内会と進めています。",
    ),
    (
        "外国人支援",
        "がいこくじんしえん",
        [11, 10],
        "日本語教室と生活相談で外国籍の住民を支えています。",
    ),
    (
        "まちづくり",
        "まちづくり",
        [3],
        "商店街と住民が話し合う場を設け、空き家の活用を考えています。",
    ),
    ("音楽", "おんがく", [6], "市民コンサートを開き、地域の音楽家の発表の場をつくっています。"),
    (
        "スポーツ",
        "すぽーつ",
        [6, 13],
        "子どもから高齢者まで参加できる運動会とウォーキングを開いています。",
    ),
    (
        "障がい者就労支援",
        "しょうがいしゃしゅうろうしえん",
        [1, 17],
        "障がいのある人の就労体験と作業所の販売会を支えています。",
    ),
    (
        "ICT相談",
        "あいしーてぃーそうだん",
        [14, 2],
        "高齢者向けスマートフォン相談会を開いています。",
    ),
    ("消費者の会", "しょうひしゃのかい", [18, 2], "悪質商法の出前講座と相談会を開いています。"),
    (
        "男女共同参画",
        "だんじょきょうどうさんか",
        [12, 10],
        "働き方と家事の分担を考える講座を開いています。",
    ),
    (
        "起業応援",
        "きぎょうおうえん",
        [16, 17],
        "地域で小さな仕事を始めたい人の相談会を開いています。",
    ),
    ("科学教室", "かがくきょうしつ", [15, 13], "小中学生向けの実験教室を夏休みに開いています。"),
    ("農園", "のうえん", [5, 7], "市民農園で野菜を育て、収穫祭を開いています。"),
    ("図書ボランティア", "としょぼらんてぃあ", [2, 13], "図書館と学校で読み聞かせをしています。"),
    ("平和のつどい", "へいわのつどい", [10, 11], "戦争体験を聞く会と平和展を開いています。"),
    (
        "市民活動応援",
        "しみんかつどうおうえん",
        [19],
        "市民活動団体の運営相談と会計講座を開いています。",
    ),
    ("防犯パトロール", "ぼうはんぱとろーる", [9], "通学路の見守りと夜間パトロールをしています。"),
    ("観光案内", "かんこうあんない", [4], "駅前で観光客に道案内とマナーの呼びかけをしています。"),
    ("環境学習", "かんきょうがくしゅう", [7, 2], "川の生き物調査と環境学習会を開いています。"),
    ("介護者の集い", "かいごしゃのつどい", [1], "家族を介護する人が語り合う会を毎月開いています。"),
]
SUFFIXES = [
    ("の会", "のかい"),
    ("ネットワーク", "ねっとわーく"),
    ("応援団", "おうえんだん"),
    ("クラブ", "くらぶ"),
    ("サポーターズ", "さぽーたーず"),
    ("プロジェクト", "ぷろじぇくと"),
    ("倶楽部", "くらぶ"),
    ("研究会", "けんきゅうかい"),
]
FAMILY = [
    ("佐藤", "さとう"),
    ("鈴木", "すずき"),
    ("高橋", "たかはし"),
    ("田中", "たなか"),
    ("伊藤", "いとう"),
    ("渡辺", "わたなべ"),
    ("山本", "やまもと"),
    ("中村", "なかむら"),
    ("小林", "こばやし"),
    ("加藤", "かとう"),
]
GIVEN = [
    ("花子", "はなこ"),
    ("一郎", "いちろう"),
    ("由美", "ゆみ"),
    ("健", "けん"),
    ("さくら", "さくら"),
    ("直樹", "なおき"),
    ("恵子", "けいこ"),
    ("翔", "しょう"),
    ("陽子", "ようこ"),
    ("誠", "まこと"),
]
AREA_OF_PLACE = {
    "鎌倉": "鎌倉地域",
    "由比ガ浜": "鎌倉地域",
    "材木座": "鎌倉地域",
    "長谷": "鎌倉地域",
    "北鎌倉": "鎌倉地域",
    "二階堂": "鎌倉地域",
    "扇ガ谷": "鎌倉地域",
    "浄明寺": "鎌倉地域",
    "腰越": "腰越地域",
    "七里ガ浜": "腰越地域",
    "稲村ガ崎": "腰越地域",
    "極楽寺": "腰越地域",
    "西鎌倉": "腰越地域",
    "深沢": "深沢地域",
    "梶原": "深沢地域",
    "手広": "深沢地域",
    "山崎": "深沢地域",
    "大船": "大船地域",
    "岩瀬": "大船地域",
    "今泉台": "大船地域",
    "玉縄": "玉縄地域",
    "植木": "玉縄地域",
}
LEGAL_FORMS = (
    [LegalForm.VOLUNTARY] * 6
    + [LegalForm.NPO] * 3
    + [LegalForm.GENERAL_ASSOCIATION, LegalForm.CERTIFIED_NPO]
)


@dataclass
class DemoGroup:
    name: str
    name_kana: str
    legal_form: str
    corporate_number: str
    representative_name: str
    representative_kana: str
    founded_on: dt.date
    member_count: int
    officer_count: int
    citizen_member_count: int
    fields: list[int]
    purpose: str
    activities: str
    area: str
    activity_days: str
    phone: str
    email: str
    website: str
    public_items: list[str]


def demo_groups(count: int, *, seed: int = 7, today: dt.date | None = None) -> Iterator[DemoGroup]:
    """`count` distinct groups; the same count and seed always give the same groups."""
    rng = random.Random(seed)  # deterministic demo data, not security
    today = today or timezone.localdate()
    seen: set[str] = set()
    n = 0
    while n < count:
        place, place_kana = rng.choice(PLACES)
        theme, theme_kana, field_numbers, activity = (
            THEMES[n % len(THEMES)] if n < len(THEMES) * 3 else rng.choice(THEMES)
        )
        suffix, suffix_kana = rng.choice(SUFFIXES)
        name = f"{place}{theme}{suffix}"
        if name in seen:
            name, place_kana_extra = f"{name}{len(seen) % 97 + 2}", str(len(seen) % 97 + 2)
        else:
            place_kana_extra = ""
        seen.add(name)
        legal = rng.choice(LEGAL_FORMS)
        prefix = {
            LegalForm.NPO: "NPO法人",
            LegalForm.CERTIFIED_NPO: "認定NPO法人",
            LegalForm.GENERAL_ASSOCIATION: "一般社団法人",
        }.get(legal, "")
        family, family_kana = rng.choice(FAMILY)
        given, given_kana = rng.choice(GIVEN)
        members = rng.randint(5, 80)
        officers = min(members, rng.randint(3, 10))
        public = ["website", "founded_on", "counts", "purpose", "activities", "activity_days"]
        if rng.random() < 0.4:
            public += ["representative_name", "email"]
        n += 1
        yield DemoGroup(
            name=f"{prefix}{name}",
            name_kana=f"{place_kana}{theme_kana}{suffix_kana}{place_kana_extra}",
            legal_form=legal,
            corporate_number=f"{rng.randint(10**12, 10**13 - 1)}" if prefix else "",
            representative_name=f"{family} {given}",
            representative_kana=f"{family_kana} {given_kana}",
            founded_on=today - dt.timedelta(days=rng.randint(200, 365 * 25)),
            member_count=members,
            officer_count=officers,
            citizen_member_count=rng.randint(officers, members),
            fields=list(field_numbers),
            purpose=f"{place}の地域で、{theme}を通じて住民どうしのつながりをつくることを目的としています。",
            activities=activity,
            area=AREA_OF_PLACE.get(place, "市内全域"),
            activity_days=rng.choice(
                [
                    "毎週土曜日",
                    "毎月第2日曜日",
                    "平日の午前",
                    "月2回（不定期）",
                    "毎月第1・第3水曜日",
                ]
            ),
            phone=f"0467-{rng.randint(20, 49):02d}-{rng.randint(0, 9999):04d}",
            email=f"info{n}@example.jp",
            website=f"https://example.jp/groups/{n}",
            public_items=public,
        )
