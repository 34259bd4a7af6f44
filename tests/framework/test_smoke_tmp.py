from tests.framework.conftest import FRAMEWORK_YAML, run_import, base_spec
from qingfeng.framework.interchange import version_to_spec, framework_export, read_framework_file
import pytest
pytestmark = pytest.mark.django_db

def test_it_smokes(org, admin_a):
    r = run_import(FRAMEWORK_YAML, admin_a)
    print([str(i) for i in r.issues])
    assert r.ok, r.issues
    print(r.summary())
    spec = version_to_spec(r.version)
    assert spec == base_spec()
    y = framework_export(version=r.version, fmt="yaml")
    print(y.decode())
    s2, issues = read_framework_file(data=y, filename="x.yaml")
    assert issues == [] and s2 == spec
    x = framework_export(version=r.version, fmt="xlsx")
    s3, issues = read_framework_file(data=x, filename="x.xlsx")
    assert issues == [] , issues
    assert s3 == spec
