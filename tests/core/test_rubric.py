"""Rubric and loop files: every problem is reported as file:line: field: message."""

from pathlib import Path

import pytest

from scorecards.core.rubric import RubricError, load_catalog, parse_catalog

DATA = Path(__file__).parent.parent / "data" / "rubrics"
VALID = (DATA / "test-coding.yaml").read_text()
LOOP = (DATA / "loops" / "test-loop.yaml").read_text()


def problems_of(text: str, name: str = "r.yaml", **others: str) -> list[str]:
    _, problems = parse_catalog({name: text, **others})
    return [str(problem) for problem in problems]


def test_the_test_rubric_is_valid():
    catalog = load_catalog({"test-coding.yaml": VALID})
    rubric = catalog.rubrics["test-coding"]
    assert [c.key for c in rubric.competencies] == ["understanding", "approach", "code", "testing"]
    assert rubric.competency("approach").must_pass == 2.5
    assert rubric.competency("testing").required is False


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("key: test-coding", "key: test-coding\ncolour: blue",
         "r.yaml:3: colour: unknown key"),
        ("    weight: 2\n", "    weight: 0\n",
         "r.yaml:28: competencies[1].weight: Input should be greater than 0 (got 0)"),
        ("    weight: 1.5\n", "    weight: -1\n",
         "r.yaml:40: competencies[2].weight: Input should be greater than 0 (got -1)"),
        ("      4: Wrote down examples including edge cases and used them to drive every later "
         "decision.\n", "",
         "r.yaml:18: competencies[0].anchors: missing anchor for level 4"),
        ("  - key: approach", "  - key: understanding",
         "r.yaml:23: competencies[1].key: duplicate competency key 'understanding' "
         "(also competencies[0])"),
        ("      1: Started coding at once and never asked about inputs, outputs or edge cases.",
         "      1: Poor.",
         "r.yaml:19: competencies[0].anchors[1]: anchor has only 1 word(s); describe the "
         "behaviour an interviewer would observe in at least 8"),
        ("      1: Started coding at once and never asked about inputs, outputs or edge cases.",
         "      1: bad weak poor terrible bad weak poor terrible answer",
         "r.yaml:19: competencies[0].anchors[1]: anchor only grades (good/bad); describe "
         "observable behaviour instead"),
        ("    must_pass: 2.5", "    must_pass: 5",
         "r.yaml:29: competencies[1].must_pass: Input should be less than or equal to 4 (got 5)"),
        ("    must_pass: 2.5", "    must_pass: 2.5\n    required: false",
         "r.yaml:23: competencies[1]: a must-pass competency must be required: an optional one "
         "may go unrated, and a bar nobody rated can never be passed"),
        ("  4: {label: Raises the bar, meaning: Evidence beyond what the role needs.}\n", "",
         "r.yaml:6: scale: missing scale level for level 4"),
        ("    title: Problem understanding\n", "",
         "r.yaml:12: competencies[0].title: required field is missing"),
        ("key: test-coding", "key: Test Coding",
         "r.yaml:2: key: String should match pattern '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' "
         "(got 'Test Coding')"),
    ],
)
def test_a_broken_rubric_is_reported_at_its_line(old, new, expected):
    assert old in VALID
    assert problems_of(VALID.replace(old, new, 1)) == [expected]


def test_a_duplicate_key_is_reported_with_both_lines():
    text = VALID.replace("    weight: 2\n", "    weight: 2\n    weight: 3\n", 1)
    assert problems_of(text) == [
        "r.yaml:29: competencies[1].weight: duplicate key (first defined on line 28)"
    ]


def test_a_yaml_syntax_error_names_the_line():
    text = VALID.replace("    weight: 2\n", "    weight: [2\n", 1)
    (problem,) = problems_of(text)
    assert problem.startswith("r.yaml:29: (yaml): syntax error:")


def test_too_few_competencies_says_how_many():
    text = VALID.split("  - key: approach")[0]
    assert "r.yaml:11: competencies: needs at least 4 items, found 1" in problems_of(text)


def test_a_loop_naming_an_unknown_rubric_is_reported_at_the_stage():
    assert problems_of(LOOP.replace("rubric: test-design", "rubric: nope"), "loops/l.yaml",
                       **{"test-coding.yaml": VALID}) == [
        "loops/l.yaml:12: stages[1].rubric: unknown rubric 'nope'"
    ]


def test_a_loop_may_name_rubrics_known_from_elsewhere():
    known = {"test-coding", "test-design"}
    _, problems = parse_catalog({"loops/l.yaml": LOOP}, known_rubrics=known)
    assert problems == []


def test_a_loop_with_duplicate_stages_is_rejected():
    text = LOOP.replace("  - key: design", "  - key: coding")
    assert "loops/l.yaml:9: stages[1].key: duplicate stage key 'coding' (also stages[0])" in \
        problems_of(text, "loops/l.yaml", **{"test-coding.yaml": VALID})


def test_an_empty_file_is_a_problem_not_a_crash():
    assert problems_of("") == ["r.yaml:1: (document): the file is empty"]
    assert problems_of("- a list\n") == [
        "r.yaml:1: (document): expected a mapping with the rubric's fields at the top level"
    ]


def test_load_catalog_raises_with_every_problem():
    with pytest.raises(RubricError) as error:
        load_catalog({"a.yaml": "key: [", "b.yaml": "key: x\n"})
    files = {problem.file for problem in error.value.problems}
    assert files == {"a.yaml", "b.yaml"}


def test_formatting_does_not_change_the_content_hash():
    reformatted = "# a comment\n" + VALID.replace("weight: 1.5", "weight:   1.5")
    first = load_catalog({"a.yaml": VALID}).rubrics["test-coding"]
    second = load_catalog({"a.yaml": reformatted}).rubrics["test-coding"]
    changed = load_catalog({"a.yaml": VALID.replace("weight: 1.5", "weight: 1.25")})
    assert first.content_hash == second.content_hash
    assert changed.rubrics["test-coding"].content_hash != first.content_hash


DESIGN = (DATA / "test-design.yaml").read_text()


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("    - stage: design\n", "    - stage: coffee\n",
     "loops/l.yaml:24: policy.must_pass[0].stage: unknown stage 'coffee'"),
    ("      competency: code\n", "      competency: charm\n",
     "loops/l.yaml:25: policy.must_pass[0].competency: rubric 'test-design' has no competency "
     "'charm'"),
    ("      stages: [coding, design]\n", "      stages: [coding, lunch]\n",
     "loops/l.yaml:22: policy.vetoes[0].stages[1]: unknown stage 'lunch'"),
    ("      competency: code\n", "      competency: testing\n",
     "loops/l.yaml:25: policy.must_pass[0].competency: 'testing' is optional in rubric "
     "'test-design', so panels may leave it unrated and the bar could never be passed; make "
     "it required or drop the bar"),
    ("  strong_no_hire_below: 1.75\n", "  strong_no_hire_below: 1.75\n  min_ratings: 2\n",
     "loops/l.yaml:19: policy.min_ratings: 2 ratings per required competency is more than "
     "stage 'coding' asks of its panel (min_panel 1)"),
    ("      stages: [coding, design]\n", "",
     "loops/l.yaml:20: policy.vetoes[0]: name the stages the veto applies to (stages: [...])"),
    ("  hire_at: 2.75\n", "  hire_at: 3.75\n",
     "loops/l.yaml:15: policy: thresholds must satisfy strong_no_hire_below <= "
     "hire_at <= strong_hire_at"),
    ("      outcome: strong_no_hire\n", "      outcome: incomplete\n",
     "loops/l.yaml:20: policy.vetoes[0]: a veto must lead to a decision, not to "
     "'incomplete'"),
    ("    - recommendation: strong_no_hire\n", "    - recommendation: meh\n",
     "loops/l.yaml:20: policy.vetoes[0].recommendation: Input should be 'strong_no_hire', "
     "'no_hire', 'hire' or 'strong_hire' (got 'meh')"),
    ("  strong_no_hire_below: 1.75\n", "  strong_no_hire_below: 1.75\n  required_stages: [lunch]\n",
     "loops/l.yaml:19: policy.required_stages[0]: unknown stage 'lunch'"),
])
def test_a_broken_decision_policy_is_reported_at_its_line(old, new, expected):
    assert old in LOOP
    found = problems_of(LOOP.replace(old, new), "loops/l.yaml",
                        **{"test-coding.yaml": VALID, "test-design.yaml": DESIGN})
    assert found == [expected]
