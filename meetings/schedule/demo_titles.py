"""The titles of the demonstration's process and meetings in the other official languages.

The Programme of Action's full title follows its text in each language (A/CONF.192/15); the
meeting titles follow the pattern of the Review Conference's documents (A/CONF.192/2018/RC/*),
shortened where the demonstration's English is. They were written without access to UNTERM and
await a check by the United Nations' language services, as do the catalogues."""

from __future__ import annotations

TITLES: dict[str, dict[str, str]] = {
    "POA": {
        "fr": "Programme d'action en vue de prévenir, combattre et éliminer le commerce illicite "
        "des armes légères sous tous ses aspects",
        "es": "Programa de Acción para Prevenir, Combatir y Eliminar el Tráfico Ilícito de Armas "
        "Pequeñas y Ligeras en Todos Sus Aspectos",
        "ru": "Программа действий по предотвращению и искоренению незаконной торговли "
        "стрелковым оружием и легкими вооружениями во всех ее аспектах и борьбе с ней",
        "zh": "从各个方面防止、打击和消除小武器和轻武器非法贸易的行动纲领",
        "ar": "برنامج العمل لمنع الاتجار غير المشروع بالأسلحة الصغيرة والأسلحة الخفيفة من جميع "
        "جوانبه ومكافحته والقضاء عليه",
    },
    "POA-PREPCOM-2018": {
        "fr": "Comité préparatoire de la troisième Conférence d'examen du Programme d'action sur "
        "les armes légères",
        "es": "Comité Preparatorio de la Tercera Conferencia de Examen del Programa de Acción "
        "sobre las armas pequeñas",
        "ru": "Подготовительный комитет третьей Конференции по рассмотрению Программы действий "
        "по стрелковому оружию",
        "zh": "小武器问题《行动纲领》第三次审议大会筹备委员会",
        "ar": "اللجنة التحضيرية للمؤتمر الاستعراضي الثالث لبرنامج العمل المتعلق بالأسلحة الصغيرة",
    },
    "POA-REVCON3": {
        "fr": "Troisième Conférence des Nations Unies chargée d'examiner les progrès accomplis "
        "dans l'exécution du Programme d'action sur les armes légères",
        "es": "Tercera Conferencia de las Naciones Unidas para Examinar los Progresos Alcanzados "
        "en la Ejecución del Programa de Acción sobre las armas pequeñas",
        "ru": "Третья Конференция Организации Объединенных Наций для обзора прогресса, "
        "достигнутого в осуществлении Программы действий по стрелковому оружию",
        "zh": "联合国审查小武器问题《行动纲领》执行进展情况第三次会议",
        "ar": "مؤتمر الأمم المتحدة الثالث لاستعراض التقدم المحرز في تنفيذ برنامج العمل المتعلق "
        "بالأسلحة الصغيرة",
    },
    "POA-BMS-DEMO": {
        "fr": "Réunion biennale des États consacrée au Programme d'action (démonstration)",
        "es": "Reunión Bienal de los Estados sobre el Programa de Acción (demostración)",
        "ru": "Созываемое раз в два года совещание государств по Программе действий (демонстрация)",
        "zh": "《行动纲领》国家两年期会议（演示）",
        "ar": "اجتماع الدول الذي يُعقد كل سنتين بشأن برنامج العمل (عرض توضيحي)",
    },
}
