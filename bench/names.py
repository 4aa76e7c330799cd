"""Bilingual word lists the data generator builds company and signatory names from."""
from __future__ import annotations

# Omani family names: a company is often named after its founder's family.
FAMILIES = (
    ("Al Balushi", "البلوشي"), ("Al Harthy", "الحارثي"), ("Al Busaidi", "البوسعيدي"),
    ("Al Hinai", "الهنائي"), ("Al Kindi", "الكندي"), ("Al Rawahi", "الرواحي"),
    ("Al Maskari", "المسكري"), ("Al Habsi", "الحبسي"), ("Al Siyabi", "السيابي"),
    ("Al Lawati", "اللواتي"), ("Al Zadjali", "الزدجالي"), ("Al Shukaili", "الشكيلي"),
    ("Al Amri", "العامري"), ("Al Mahrouqi", "المحروقي"), ("Al Farsi", "الفارسي"),
    ("Al Riyami", "الريامي"), ("Al Saadi", "السعدي"), ("Al Jabri", "الجابري"),
    ("Al Mamari", "المعمري"), ("Al Wahaibi", "الوهيبي"), ("Al Mukhaini", "المخيني"),
    ("Al Shidi", "الشيدي"), ("Al Ghafri", "الغافري"), ("Al Nabhani", "النبهاني"),
    ("Al Abri", "العبري"), ("Al Kalbani", "الكلباني"), ("Al Hashmi", "الهاشمي"),
    ("Al Raisi", "الرئيسي"), ("Al Yahyai", "اليحيائي"), ("Al Toubi", "التوبي"),
)

# Trade names taken from places and good words.
BRANDS = (
    ("Noor", "النور"), ("Sahil", "الساحل"), ("Jabal", "الجبل"), ("Waha", "الواحة"),
    ("Majan", "مجان"), ("Sohar", "صحار"), ("Nizwa", "نزوى"), ("Sur", "صور"),
    ("Dhofar", "ظفار"), ("Ruwi", "روي"), ("Qurum", "القرم"), ("Bahja", "البهجة"),
    ("Amal", "الأمل"), ("Fajr", "الفجر"), ("Manara", "المنارة"), ("Rimal", "الرمال"),
    ("Khaleej", "الخليج"), ("Bustan", "البستان"), ("Dana", "دانة"), ("Promising Projects", "المشاريع الواعدة"),
)

ACTIVITIES = (
    ("Trading", "للتجارة"), ("Contracting", "للمقاولات"), ("Fishing Supplies", "لمستلزمات الصيد"),
    ("General Trading", "للتجارة العامة"), ("Engineering", "للهندسة"), ("Logistics", "للخدمات اللوجستية"),
    ("Foodstuff", "للمواد الغذائية"), ("Real Estate", "للعقارات"), ("Travel and Tourism", "للسفر والسياحة"),
    ("Electrical Works", "للأعمال الكهربائية"), ("Furniture", "للأثاث"), ("Building Materials", "لمواد البناء"),
    ("Oilfield Services", "لخدمات حقول النفط"), ("Consultancy", "للاستشارات"),
    ("Auto Spare Parts", "لقطع غيار السيارات"), ("Printing and Publishing", "للطباعة والنشر"),
    ("Marine Services", "للخدمات البحرية"), ("Information Technology", "لتقنية المعلومات"),
    ("Dates and Agriculture", "للتمور والزراعة"), ("Textiles", "للمنسوجات"),
)

# Legal forms: the English suffix and where the Arabic puts the name.
LEGAL_FORMS = (
    ("LLC", "{name} ش.م.م"), ("SAOC", "{name} ش.م.ع.م"), ("SPC", "{name} ش.ش.و"),
    ("& Partners", "{name} وشركاه"), ("Establishment", "مؤسسة {name}"),
)

FIRST_NAMES = (
    ("Salim", "سالم"), ("Mohammed", "محمد"), ("Ahmed", "أحمد"), ("Said", "سعيد"), ("Khalid", "خالد"),
    ("Hamad", "حمد"), ("Sultan", "سلطان"), ("Ali", "علي"), ("Nasser", "ناصر"), ("Hilal", "هلال"),
    ("Fatma", "فاطمة"), ("Aisha", "عائشة"), ("Maryam", "مريم"), ("Shamsa", "شمسة"), ("Zuwaina", "زوينة"),
    ("Badriya", "بدرية"), ("Muna", "منى"), ("Huda", "هدى"), ("Laila", "ليلى"), ("Rahma", "رحمة"),
)

SIGNATORY_ROLES = ("Owner", "Partner", "Authorised signatory", "General manager")

STREETS = ("Ruwi", "Muttrah", "Al Khuwair", "Al Ghubrah", "Al Mawaleh", "Bawshar", "Seeb", "Al Amerat",
           "Salalah", "Sohar", "Nizwa", "Sur", "Ibri", "Barka", "Rustaq")
