# What the mock aws providers of these tests return instead of calling AWS. The provider still
# validates every argument against its schema, so a policy document must render to a policy.
mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}
