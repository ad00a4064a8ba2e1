/* A minimal static executable: text, and data in a second segment. */
void _start(void);
int data_var = 3;

void _start(void)
{
	for (;;)
		;
}
