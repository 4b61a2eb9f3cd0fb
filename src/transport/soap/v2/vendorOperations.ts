/** Names of every operation in the vendor's v2 WSDL (data), to tell "not supported here" from garbage. */
export const V2_VENDOR_OPERATIONS: ReadonlySet<string> = new Set(
  (
    'GetContactById GetContactByEmail CreateContact UpdateContact GetAddressBooks CreateAddressBook ' +
    'UpdateAddressBook DeleteAddressBook GetContacts GetContactsInAddressBook GetAddressBookContactCount ' +
    'AddContactToAddressBook DeleteContact DeleteContactFromAddressBook DeleteAllContactsFromAddressBook ' +
    'UnsubscribeContact UnsubscribeContactFromAddressBook ResubscribeContact ResubscribeContactToAddressBook ' +
    'GetModifiedContacts GetModifiedContactsInAddressBook GetNewContacts GetAddressBooksForContact ' +
    'GetAddressBooksForCampaign GetSuppressedContacts GetUnsubscribedContacts GetUnsubscribedContactsInAddressBook ' +
    'ImportContacts ImportContactsToAddressBook GetContactImportProgress GetContactImportReport ' +
    'GetContactImportReportFaults GetImageFolders GetImageFolderById CreateImageFolder UploadImage GetCampaignById ' +
    'GetCampaigns GetCampaignsForAddressBook GetSentCampaignsWithActivitySinceDate CreateCampaign UpdateCampaign ' +
    'CopyCampaign SendCampaign GetCampaignSendProgress GetCampaignSummary GetCampaignContactActivity ' +
    'GetCampaignActivities GetCampaignActivitiesSinceDate GetCampaignClicks GetCampaignContactClicks ' +
    'GetCampaignOpens GetCampaignContactOpens GetCampaignPageViewsSinceDate GetCampaignContactPageViews ' +
    'GetCampaignContactReplies GetCampaignSocialBookmarkViews GetCampaignContactSocialBookmarkViews ' +
    'GetCampaignRoiDetailsSinceDate GetCampaignContactRoiDetails GetCampaignHardBouncingContacts GetDocuments ' +
    'GetDocumentFolders GetCampaignAttachments CreateDocumentFolder UploadDocument AttachDocumentToCampaign ' +
    'DetachDocumentFromCampaign GetCustomFromAddresses SendSingleSmsMessage CreateTemplate UpdateTemplate ' +
    'GetTemplateById GetTemplates CreateDataField DeleteDataField GetDataFields GetCurrentAccountInfo ' +
    'GetServerTime AddTransactionalData ImportTransactionalData GetTransactionalDataProgress ' +
    'GetTransactionalDataImportReport DeleteTransactionalDataByKey DeleteTransactionalDataByContact ' +
    'GetTransactionalDataByKey GetTransactionalDataByContact ReplaceTransactionalDataByKey'
  ).split(' '),
);
