"""The usual short names of the corpus's instruments ("Palermo", "MSA", "AMLR", "2011/36"): what a
citation typed as a query names its instrument by (kg.search.citations), and one of the clues by
which a question names the instruments it is about (kg.search.query_scope)."""

ALIASES = {
    "palermo": "palermo-protocol", "trafficking protocol": "palermo-protocol", "un protocol": "palermo-protocol",
    "msa 2015": "uk-msa-2015", "uk msa": "uk-msa-2015", "modern slavery act 2015": "uk-msa-2015",
    "uk": "uk-msa-2015", "msa": "uk-msa-2015",
    "australia": "au-msa-2018", "cth": "au-msa-2018", "modern slavery act 2018": "au-msa-2018",
    "au msa": "au-msa-2018",
    "canada": "ca-forced-labour-supply-chains-2023", "canadian": "ca-forced-labour-supply-chains-2023",
    "supply chains act": "ca-forced-labour-supply-chains-2023",
    "forced labour regulation": "eu-forced-labour-regulation-2024", "flr": "eu-forced-labour-regulation-2024",
    "2024/3015": "eu-forced-labour-regulation-2024",
    "anti-trafficking directive": "eu-atd-2011", "atd": "eu-atd-2011", "2011/36": "eu-atd-2011",
    "amlr": "eu-amlr-2024", "2024/1624": "eu-amlr-2024", "amla": "eu-amla-2024", "2024/1620": "eu-amla-2024",
    "2018/1673": "eu-aml-criminal-law-2018", "poca": "uk-poca-2002-part7", "proceeds of crime": "uk-poca-2002-part7",
    "ilo": "ilo-c029-forced-labour-1930", "c029": "ilo-c029-forced-labour-1930", "c29": "ilo-c029-forced-labour-1930",
    "forced labour convention": "ilo-c029-forced-labour-1930", "slavery convention": "slavery-convention-1926",
    "lksg": "de-lksg-2021", "åpenhetsloven": "no-transparency-act-2021", "transparency act": "no-transparency-act-2021",
}
